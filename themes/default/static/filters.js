// Filters on the task and recommendation lists. The state lives in the URL
// query (?agency=mps&status=overdue), so a filtered list can be shared;
// rows that do not match get the `hidden` attribute. Each change is a step
// in the browser's history, so Back undoes it. The view can be copied as a
// link and its rows downloaded as CSV (made here from the rows shown).
// Without JavaScript the form stays hidden and the whole list shows.
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

  // A new history entry per change (not a replacement), so Back returns
  // to the previous filters, and past the first one to the page before.
  function save() {
    var params = new URLSearchParams(location.search);
    selects.forEach(function (s) {
      if (s.value) params.set(s.name, s.value); else params.delete(s.name);
    });
    var q = params.toString();
    var url = location.pathname + (q ? "?" + q : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.pushState(null, "", url);
  }

  function load() {
    var params = new URLSearchParams(location.search);
    selects.forEach(function (s) {
      var v = params.get(s.name);
      // A value the list does not offer (a stale link) leaves the filter open.
      s.value = v !== null && s.querySelector('option[value="' + CSS.escape(v) + '"]') ? v : "";
    });
  }

  // The rows shown, as CSV: the table's columns, the group each row is in
  // (plan or document) and the row's address. A byte-order mark first, so
  // a spreadsheet opened by double-click reads the Vietnamese as UTF-8.
  function csv() {
    var cell = function (t) {
      t = String(t).replace(/\s+/g, " ").trim();
      return /[",\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
    };
    var head = list.querySelector("table thead");
    var cols = head ? Array.prototype.map.call(head.querySelectorAll("th"), function (th) { return th.textContent; }) : [];
    var lines = [[form.getAttribute("data-group")].concat(cols, ["url"]).map(cell).join(",")];
    rows.forEach(function (row) {
      if (row.hidden || row.closest("[hidden]")) return;
      var group = row.closest(".filter-group");
      var h = group && group.querySelector("h2, h3");
      var link = row.querySelector("a[href]");
      var cells = Array.prototype.map.call(row.children, function (td) { return td.textContent; });
      lines.push([h ? h.textContent : ""].concat(cells, [link ? link.href : ""]).map(cell).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  var copy = form.querySelector("[data-copy]");
  var download = form.querySelector("[data-csv]");
  var said = document.getElementById("view-status");
  if (copy) copy.addEventListener("click", function () {
    var done = function (ok) { if (said) said.textContent = copy.getAttribute(ok ? "data-done" : "data-failed"); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(location.href).then(function () { done(true); }, function () { done(false); });
    } else done(false);
  });
  if (download) download.addEventListener("click", function () {
    var blob = new Blob([csv()], { type: "text/csv;charset=utf-8" });
    var a = document.createElement("a");
    var name = location.pathname.split("/").filter(Boolean).pop() || "rows";
    var q = new URLSearchParams(location.search).toString().replace(/[^A-Za-z0-9=&-]+/g, "-").replace(/[=&]/g, "-");
    a.href = URL.createObjectURL(blob);
    a.download = name + (q ? "-" + q : "") + ".csv";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  });

  load();
  form.hidden = false;
  form.addEventListener("change", function () { apply(); save(); });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  form.addEventListener("reset", function () {
    setTimeout(function () { apply(); save(); }, 0);
  });
  // Back and Forward between filter states.
  window.addEventListener("popstate", function () { load(); apply(); });
  apply();
})();
