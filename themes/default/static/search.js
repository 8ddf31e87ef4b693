// Client-side search over the index written at build time. Matching ignores
// Vietnamese diacritics and đ/Đ, so "bo tu phap" finds "Bộ Tư pháp".
(function () {
  var script = document.currentScript;
  var form = document.querySelector("form.search-page");
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!script || !form || !input || !list) return;
  var root = script.src.replace(/static\/search\.js.*$/, "");
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  var index = null;
  function load(cb) {
    if (index) return cb();
    fetch(script.getAttribute("data-index")).then(function (r) { return r.json(); }).then(function (j) { index = j; cb(); });
  }
  function run(q) {
    var terms = fold(q).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!terms.length) { status.textContent = ""; return; }
    var hits = [];
    index.forEach(function (e) {
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        if (e.f.indexOf(terms[i]) < 0) return;
        if (e.ft.indexOf(terms[i]) >= 0) score += 2;
      }
      if (e.ft === terms.join(" ")) score += 10;
      hits.push([score, e]);
    });
    hits.sort(function (a, b) { return b[0] - a[0]; });
    status.textContent = hits.length ? script.getAttribute("data-count").replace("{n}", hits.length) : script.getAttribute("data-none");
    hits.slice(0, 100).forEach(function (h) {
      var e = h[1];
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = e.k;
      var a = document.createElement("a");
      a.href = root + e.u;
      a.textContent = e.t;
      var p = document.createElement("p");
      p.textContent = e.s;
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    });
  }
  var params = new URLSearchParams(location.search);
  var q = params.get("q") || "";
  input.value = q;
  if (q) load(function () { run(q); });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var v = input.value;
    history.replaceState(null, "", "?q=" + encodeURIComponent(v));
    load(function () { run(v); });
  });
})();
