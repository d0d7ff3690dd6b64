// VRS pages work without script; this file only adds conveniences.
"use strict";
document.addEventListener("submit", function (e) {
  var btn = e.submitter;
  var msg = btn && btn.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) {
    e.preventDefault();
  }
});
document.addEventListener("change", function (e) {
  var el = e.target;
  if (el.matches && el.matches("[data-autosubmit]")) {
    el.form.requestSubmit();
  }
});
