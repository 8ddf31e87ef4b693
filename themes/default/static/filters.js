// Filters on the task and recommendation lists. The state lives in the URL
// query (?agency=mps&status=overdue), so a filtered list can be shared;
// rows that do not match get the `hidden` attribute. Each change is a step
// in the browser's history, so Back undoes it. The view can be copied as a
// link and its rows downloaded as CSV (made here from the rows shown).
// Without JavaScript the form stays hidden and the whole list shows.
//
// A list on several pages (`data-pages` on the form) keeps its options in a
// JSON file (`data-options`), read when the page opens, and its rows on its
// pages: the first filter chosen fetches the other pages and merges their
// rows into this one, so a filter covers the whole list while the first
// view carries one page. With no filter, the merged list shows this page.
(function () {
  var form = document.getElementById("filters");
  var list = document.querySelector(".filter-list");
  var count = document.getElementById("filter-count");
  if (!form || !list || !count) return;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var rows = Array.prototype.slice.call(list.querySelectorAll("tbody tr"));
  var groups = Array.prototype.slice.call(list.querySelectorAll(".filter-group")).reverse();
  var pages = +(form.getAttribute("data-pages") || 1);
  var here = String(form.getAttribute("data-page") || 1);
  var all = pages <= 1; // whether the rows of every page are in the list
  var loading = null;
  var slice = function (xs) { return Array.prototype.slice.call(xs); };

  function has(row, name, value) {
    var v = row.getAttribute("data-" + name);
    return v !== null && (" " + v + " ").indexOf(" " + value + " ") >= 0;
  }

  function apply() {
    var active = selects.filter(function (s) { return s.value; });
    if (active.length && !all) loadAll();
    var merged = pages > 1 && all;
    // Pagers lead to the pages of the unfiltered list.
    slice(document.querySelectorAll(".pager")).forEach(function (p) { p.hidden = merged && active.length > 0; });
    var shown = 0, total = 0;
    // Headings show when a row under them shows; `open` holds the headings
    // enclosing the current row (rows come in plan order with their depth).
    var open = [];
    rows.forEach(function (row) {
      var depth = +(row.getAttribute("data-depth") || 0);
      while (open.length && open[open.length - 1].depth >= depth) open.pop();
      var mine = !merged || row.getAttribute("data-page") === here;
      if (row.hasAttribute("data-heading")) {
        row.hidden = active.length > 0 || !mine;
        open.push({ row: row, depth: depth });
        return;
      }
      total++;
      var ok = active.length ? active.every(function (s) { return has(row, s.name, s.value); }) : mine;
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

  // The group a section or block is (its heading's words), to merge a
  // group that runs on from one page into the next.
  function key(el) {
    var h = el.classList.contains("filter-group") && el.querySelector("h2, h3");
    return h ? h.textContent : null;
  }

  // Moves the groups of `from` into `into`, a group continued from the
  // group before it going into that group (its rows into its table).
  function merge(into, from, nested) {
    slice(from.children).forEach(function (part) {
      if (nested && part.matches("h2, h3")) return;
      var tables = nested && part.classList.contains("table-wrap") && into.querySelectorAll(":scope > .table-wrap tbody");
      if (tables && tables.length) {
        var body = tables[tables.length - 1];
        slice(part.querySelectorAll("tbody tr")).forEach(function (tr) { body.appendChild(tr); });
        return;
      }
      if (nested && part.matches("p.ended-note") && into.querySelector(":scope > p.ended-note")) return;
      var last = into.lastElementChild;
      if (last && key(part) !== null && key(last) === key(part)) merge(last, part, true);
      else into.appendChild(part);
    });
  }

  // Fetches every other page of the list and merges the rows of all pages
  // in page order, each row marked with its page.
  function loadAll() {
    if (loading) return;
    var said = document.getElementById("view-status");
    if (said) said.textContent = form.getAttribute("data-loading");
    var base = form.getAttribute("data-base");
    var urls = [];
    for (var k = 1; k <= pages; k++) urls.push(k === 1 ? base : base + "page/" + k + "/");
    loading = Promise.all(urls.map(function (u, i) {
      if (String(i + 1) === here) return null;
      return fetch(u).then(function (r) {
        if (!r.ok) throw new Error(u + ": " + r.status);
        return r.text();
      });
    })).then(function (texts) {
      var parser = new DOMParser();
      var into = document.createElement("div");
      texts.forEach(function (t, i) {
        var from = t === null ? list : parser.parseFromString(t, "text/html").querySelector(".filter-list");
        if (!from) return;
        // Links of another page are relative to it: made absolute.
        if (t !== null) {
          var at = new URL(urls[i], location.href);
          slice(from.querySelectorAll("[href]")).forEach(function (a) {
            a.setAttribute("href", new URL(a.getAttribute("href"), at).href);
          });
        }
        slice(from.querySelectorAll("tbody tr")).forEach(function (tr) { tr.setAttribute("data-page", String(i + 1)); });
        merge(into, from, false);
      });
      while (into.firstChild) list.appendChild(into.firstChild);
      rows = slice(list.querySelectorAll("tbody tr"));
      groups = slice(list.querySelectorAll(".filter-group")).reverse();
      all = true;
      if (said) said.textContent = "";
      apply();
    }, function () {
      // Opened from disk, or offline: the filters apply to this page.
      if (said) said.textContent = form.getAttribute("data-failed");
    });
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

  function start() {
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
  }

  // Options kept apart: each is [value, label, count]. Without them the
  // form stays hidden, as without JavaScript.
  var src = form.getAttribute("data-options");
  if (!src) start();
  else fetch(src).then(function (r) {
    if (!r.ok) throw new Error(src + ": " + r.status);
    return r.json();
  }).then(function (dims) {
    dims.forEach(function (d) {
      var select = selects.filter(function (s) { return s.name === d.name; })[0];
      if (!select) return;
      d.options.forEach(function (o) {
        var opt = document.createElement("option");
        opt.value = o[0];
        opt.textContent = o[1] + " (" + o[2] + ")";
        select.appendChild(opt);
      });
    });
    start();
  }, function () {});
})();
