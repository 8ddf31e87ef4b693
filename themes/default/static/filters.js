// Filters on the task and recommendation lists. The state lives in the URL
// query (?agency=mps&status=overdue), so a filtered list can be shared;
// rows that do not match get the `hidden` attribute. Without JavaScript the
// form stays hidden and the whole list shows.
(function () {
  var form = document.getElementById("filters");
  var list = document.querySelector(".filter-list");
  var count = document.getElementById("filter-count");
  if (!form || !list || !count) return;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var rows = Array.prototype.slice.call(list.querySelectorAll("tbody tr"));
  var groups = Array.prototype.slice.call(list.querySelectorAll(".filter-group")).reverse();

  function has(row, name, value) {
    var v = row.getAttribute("data-" + name);
    return v !== null && (" " + v + " ").indexOf(" " + value + " ") >= 0;
  }

  function apply() {
    var active = selects.filter(function (s) { return s.value; });
    var shown = 0, total = 0;
    // Headings show when a row under them shows; `open` holds the headings
    // enclosing the current row (rows come in plan order with their depth).
    var open = [];
    rows.forEach(function (row) {
      var depth = +(row.getAttribute("data-depth") || 0);
      while (open.length && open[open.length - 1].depth >= depth) open.pop();
      if (row.hasAttribute("data-heading")) {
        row.hidden = active.length > 0;
        open.push({ row: row, depth: depth });
        return;
      }
      total++;
      var ok = active.every(function (s) { return has(row, s.name, s.value); });
      row.hidden = !ok;
      if (ok) {
        shown++;
        open.forEach(function (h) { h.row.hidden = false; });
      }
    });
    // Innermost groups first, so a section hides when all its parts do.
    groups.forEach(function (g) {
      g.hidden = !g.querySelector("tbody tr:not([hidden])");
    });
    // No row left: say what the data holds, so "none" is not read as "none exist".
    var empty = document.getElementById("filter-empty");
    if (empty) empty.hidden = shown > 0;
    count.textContent = form.getAttribute("data-count").replace("{n}", shown).replace("{m}", total);
  }

  function save() {
    var params = new URLSearchParams(location.search);
    selects.forEach(function (s) {
      if (s.value) params.set(s.name, s.value); else params.delete(s.name);
    });
    var q = params.toString();
    history.replaceState(null, "", location.pathname + (q ? "?" + q : "") + location.hash);
  }

  var params = new URLSearchParams(location.search);
  selects.forEach(function (s) {
    var v = params.get(s.name);
    // A value the list does not offer (a stale link) leaves the filter open.
    s.value = v !== null && s.querySelector('option[value="' + CSS.escape(v) + '"]') ? v : "";
  });
  form.hidden = false;
  form.addEventListener("change", function () { apply(); save(); });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  form.addEventListener("reset", function () {
    setTimeout(function () { apply(); save(); }, 0);
  });
  apply();
})();
