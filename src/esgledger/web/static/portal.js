/* esgledger portal: small progressive enhancements (the pages work without them). */
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]');

  function debounce(fn, ms) {
    var t = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  // Data entry: check each value as it is typed, with the importer's own rules.
  var form = document.querySelector("form[data-check-url]");
  if (form) {
    var url = form.getAttribute("data-check-url");
    var entity = form.getAttribute("data-entity");
    var msgs = JSON.parse(form.getAttribute("data-messages") || "{}");
    var check = function (input) {
      var row = input.closest("[data-indicator]");
      if (!row) { return; }
      var code = row.getAttribute("data-indicator");
      var unit = row.querySelector("select.unit");
      var comment = row.querySelector("input.comment");
      var out = document.getElementById(input.getAttribute("aria-describedby"));
      var q = new URLSearchParams({
        entity: entity,
        period: input.getAttribute("data-period"),
        indicator: code,
        value: input.value,
        unit: unit ? unit.value : "",
        comment: comment ? comment.value : ""
      });
      fetch(url + "?" + q.toString(), { credentials: "same-origin",
        headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (res) {
          if (!out) { return; }
          out.className = "msg";
          out.textContent = "";
          input.removeAttribute("aria-invalid");
          if (unit) { unit.removeAttribute("aria-invalid"); }
          if (!res.ok) {
            var p = res.problems[0] || {};
            out.className = "msg bad";
            out.textContent = msgs.invalid + ": " + (p.expected || "");
            if (p.column === "unit" && unit) { unit.setAttribute("aria-invalid", "true"); }
            else { input.setAttribute("aria-invalid", "true"); }
            return;
          }
          if (res.swing !== null && res.swing !== undefined) {
            var pct = Math.round(res.swing * 1000) / 10;
            out.textContent = (pct > 0 ? "+" : "") + pct + " %";
            out.className = res.needs_comment ? "msg warn" : "msg ok";
          }
          if (comment) {
            if (res.needs_comment) {
              comment.classList.add("needs-comment");
              comment.setAttribute("placeholder", msgs.needs_comment);
              comment.required = true;
            } else {
              comment.classList.remove("needs-comment");
              comment.required = false;
            }
          }
        })
        .catch(function () { /* the server checks again on save */ });
    };
    var later = debounce(check, 250);
    form.addEventListener("input", function (ev) {
      var el = ev.target;
      if (el.classList && el.classList.contains("value")) { later(el); }
    });
    form.addEventListener("change", function (ev) {
      var el = ev.target;
      if (!el.classList) { return; }
      var row = el.closest("[data-indicator]");
      if (!row) { return; }
      if (el.classList.contains("unit") || el.classList.contains("comment")) {
        row.querySelectorAll("input.value").forEach(function (v) { if (v.value) { check(v); } });
      }
    });
  }

  // Review queue: "select all".
  document.querySelectorAll("input[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var scope = document.getElementById(box.getAttribute("data-select-all"));
      if (!scope) { return; }
      scope.querySelectorAll('input[type="checkbox"][name="pick"]').forEach(function (c) {
        c.checked = box.checked;
      });
    });
  });

  // Confirm destructive buttons.
  document.querySelectorAll("button[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (ev) {
      if (!window.confirm(b.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });
  void csrf;
})();
