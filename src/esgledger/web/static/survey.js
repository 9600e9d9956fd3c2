/* esgledger survey: save each answer as it is chosen (the form also works without this). */
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  if (!form) { return; }
  var url = form.getAttribute("data-answer-url");
  var csrf = form.querySelector('input[name="csrf_token"]');
  var status = document.getElementById("save-status");
  form.addEventListener("change", function (ev) {
    var el = ev.target;
    if (!el || el.type !== "radio") { return; }
    var body = new URLSearchParams();
    body.append(el.name, el.value);
    fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf ? csrf.value : "", "Accept": "application/json" },
      body: body })
      .then(function (r) { if (status) { status.textContent = r.ok ? "✓" : "!"; } })
      .catch(function () { if (status) { status.textContent = "!"; } });
  });
})();
