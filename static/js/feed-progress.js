// Keeps a feed job's status page up to date while the import runs: polls the page's progress
// URL and fills in the numbers; once the job is finished, reloads the page to show the report.
// Every text shown comes from the page itself (data-status-* attributes), never from here.
(function () {
  "use strict";

  var root = document.getElementById("feed-progress");
  if (!root || root.getAttribute("data-finished") === "true") {
    return;
  }
  var url = root.getAttribute("data-progress-url");
  var every = parseInt(root.getAttribute("data-poll-ms"), 10) || 2000;

  function part(name) {
    return root.querySelector('[data-feed="' + name + '"]');
  }

  function show(progress) {
    var label = root.getAttribute("data-status-" + progress.status);
    if (label) {
      part("status").textContent = label;
    }
    part("checked").textContent = String(progress.rows_checked);
    part("total").textContent = String(progress.rows_total);
    var bar = part("bar");
    bar.max = Math.max(progress.rows_total, 1);
    bar.value = progress.rows_checked;
    part("writing").hidden = !progress.writing;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (progress) {
        show(progress);
        if (progress.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, every);
        }
      })
      .catch(function () {
        // A missed answer (a deploy, a dropped connection): try again a little later.
        window.setTimeout(poll, every * 2);
      });
  }

  window.setTimeout(poll, every);
})();
