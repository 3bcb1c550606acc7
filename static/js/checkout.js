// The checkout on the cart page: offer only the payment methods that every seller's chosen
// delivery option allows (the server checks again), ask for the card only when paying by card,
// and for the address to ship to only when a chosen option ships (the server decides).
(function () {
  "use strict";
  var form = document.getElementById("checkout");
  if (!form) { return; }
  var select = form.querySelector("select[name=payment_method]");
  var card = document.getElementById("card-payment");
  var shipTo = document.getElementById("ship-to");

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

  // Shown while any seller's choice is missing: the address may yet be needed.
  function shipsAny() {
    var ships = false;
    form.querySelectorAll("fieldset.delivery").forEach(function (fieldset) {
      var chosen = fieldset.querySelector("input[type=radio]:checked");
      if (!chosen || chosen.hasAttribute("data-ships")) { ships = true; }
    });
    return ships;
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
    if (shipTo) { shipTo.hidden = !shipsAny() && !shipTo.querySelector(".errorlist"); }
  }

  form.addEventListener("change", refresh);
  refresh();
})();
