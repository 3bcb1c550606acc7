// The checkout on the cart page: offer only the payment methods that every seller's chosen
// delivery option allows (the server checks again), and ask for the card only when paying by card.
(function () {
  "use strict";
  var form = document.getElementById("checkout");
  if (!form) { return; }
  var select = form.querySelector("select[name=payment_method]");
  var card = document.getElementById("card-payment");

  function allowedMethods() {
    var allowed = null;
    form.querySelectorAll("fieldset.delivery").forEach(function (fieldset) {
      var chosen = fieldset.querySelector("input[type=radio]:checked");
      if (!chosen) { return; }
      var methods = chosen.dataset.paymentMethods.split(" ");
      allowed = allowed === null ? methods : allowed.filter(function (m) { return methods.indexOf(m) >= 0; });
    });
    return allowed;
  }

  function refresh() {
    if (select) {
      var allowed = allowedMethods();
      Array.prototype.forEach.call(select.options, function (option) {
        option.disabled = allowed !== null && allowed.indexOf(option.value) < 0;
      });
      if (select.selectedOptions.length && select.selectedOptions[0].disabled) {
        var first = Array.prototype.find.call(select.options, function (o) { return !o.disabled; });
        if (first) { select.value = first.value; }
      }
    }
    if (card && select) { card.hidden = select.value !== "card"; }
  }

  form.addEventListener("change", refresh);
  refresh();
})();
