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

// Incident form: a remove button drops its row in the page instead of
// posting the form back (the server accepts the gap in the indexes), and
// the selects that name persons or organisations follow the rows.
document.addEventListener("click", function (e) {
  var btn = e.target.closest && e.target.closest("[data-remove-row]");
  if (!btn) {
    return;
  }
  var row = document.getElementById(btn.getAttribute("data-remove-row"));
  if (!row) {
    return;
  }
  e.preventDefault();
  var form = row.closest("form");
  row.remove();
  refreshRefs(form);
});
document.addEventListener("htmx:afterSettle", function (e) {
  refreshRefs(e.target.closest && e.target.closest("form"));
});
document.addEventListener("change", function (e) {
  var el = e.target;
  if (el.name && /^(persons|organisations)\[\d+\]\.(role|name)$/.test(el.name)) {
    var row = el.closest("[data-ref-key]");
    if (row) {
      var legend = row.querySelector("legend");
      var role = row.querySelector("select[name$='.role']");
      var label = (legend ? legend.textContent : "") + " (" + row.getAttribute("data-ref-key") + ")";
      if (role && role.value && row.getAttribute("data-ref-kind") === "person") {
        label += ", " + role.options[role.selectedIndex].text;
      }
      var name = row.querySelector("input[name$='].name']");
      if (name && name.value && row.getAttribute("data-ref-kind") === "organisation") {
        label += ", " + name.value;
      }
      row.setAttribute("data-ref-label", label);
      refreshRefs(el.form);
    }
  }
});
function refreshRefs(form) {
  if (!form) {
    return;
  }
  var rows = form.querySelectorAll("[data-ref-key]");
  form.querySelectorAll("select[data-refs]").forEach(function (sel) {
    var kind = sel.getAttribute("data-refs");
    var value = sel.value;
    while (sel.options.length > 1) {
      sel.remove(1);
    }
    rows.forEach(function (row) {
      var rk = row.getAttribute("data-ref-kind");
      if (rk === "person" || (kind === "party" && rk === "organisation")) {
        var key = row.getAttribute("data-ref-key");
        sel.add(new Option(row.getAttribute("data-ref-label"), key, false, key === value));
      }
    });
  });
}
