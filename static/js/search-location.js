// The search form's "Use my location": puts the browser's position in the form's hidden lat and
// lng fields, from which distances are measured. Texts come from the page (data-located).
(function () {
  "use strict";
  var button = document.getElementById("use-my-location");
  if (!button || !navigator.geolocation) { return; }
  var form = button.form;
  var note = document.getElementById("distance-from");

  function hidden(name) {
    var input = form.querySelector("input[type=hidden][name=" + name + "]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    return input;
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      hidden("lat").value = position.coords.latitude.toFixed(6);
      hidden("lng").value = position.coords.longitude.toFixed(6);
      if (note) { note.textContent = note.dataset.located; }
    });
  });
})();
