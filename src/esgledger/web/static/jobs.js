/* esgledger: follow a report build (the page also refreshes itself without this script). */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var state = box.getAttribute("data-state");
  if (state !== "queued" && state !== "running") { return; }
  var bar = document.getElementById("job-progress");
  var step = document.getElementById("job-step");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (bar) { bar.value = s.percent; bar.textContent = s.percent + " %"; }
        if (step) { step.textContent = s.step || ""; }
        if (s.state !== state) { window.location.reload(); return; }
        setTimeout(poll, 700);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 400);
})();
