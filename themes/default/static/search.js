// Client-side search over the index written at build time (src/search.rs).
// The index is split: a manifest, term shards keyed by term prefix, and
// document shards; a query fetches the manifest, one term shard per query
// word and the document shards of the results it shows, nothing else.
// Matching ignores Vietnamese diacritics and đ/Đ: "bo tu phap" finds "Bộ Tư pháp".
// Neighbouring words are also looked up as pairs (the p/ shards), so a
// phrase ranks above the same words apart; words in quotes must be a phrase.
(function () {
  var script = document.currentScript;
  var form = document.querySelector("form.search-page");
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var more = document.getElementById("search-more");
  if (!script || !form || !input || !list || !status || !window.fetch) return;
  // Addresses in the index are relative to the site root, wherever it is served.
  var root = script.src.replace(/static\/search\.js.*$/, "");
  var manifestUrl = new URL(script.getAttribute("data-index"), document.baseURI).href;
  var dir = manifestUrl.replace(/index\.json.*$/, "");
  var PAGE = 20;
  var cache = {};
  var current = 0;

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  function terms(s) {
    var seen = {};
    return fold(s).split(/[^a-z0-9]+/).filter(function (t) {
      if (!t || seen[t]) return false;
      seen[t] = true;
      return true;
    });
  }
  // The query's words (each once) and its neighbouring pairs, each pair
  // `required` when inside quotes ("..." or “...”). The last word of the
  // query may be unfinished, so its pair matches as a prefix.
  function parse(q) {
    var parts = q.split(/["\u201c\u201d]/), pairs = [];
    parts.forEach(function (part, i) {
      var ws = fold(part).split(/[^a-z0-9]+/);
      // Only a word that ends the query itself can be unfinished.
      var open = i === parts.length - 1 && ws[ws.length - 1] !== "";
      ws = ws.filter(Boolean);
      for (var j = 0; j + 1 < ws.length; j++) {
        pairs.push({
          key: ws[j] + "_" + ws[j + 1],
          required: i % 2 === 1,
          prefix: open && j + 2 === ws.length
        });
      }
    });
    return { words: terms(q), pairs: pairs };
  }
  function get(url) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error(url + ": " + r.status);
        return r.json();
      });
    }
    return cache[url];
  }
  // The shards that can hold terms starting with q: the longest key that is a
  // prefix of q, and keys that extend q. A one-letter word matches exactly.
  function shardsFor(keys, q) {
    if (q.length < 2) return keys.indexOf(q) >= 0 ? [q] : [];
    var out = [], best = "";
    keys.forEach(function (k) {
      if (q.indexOf(k) === 0) { if (k.length > best.length) best = k; }
      else if (k.indexOf(q) === 0) out.push(k);
    });
    if (best) out.push(best);
    return out;
  }
  // Per document, the best match of one query word: exact in the title 8,
  // a prefix in the title 5, exact in the text 3, a prefix 1.
  function matches(shards, q, noPrefix) {
    var best = {}, tlen = {};
    shards.forEach(function (shard) {
      Object.keys(shard).forEach(function (t) {
        var exact = t === q;
        if (!exact && (noPrefix || q.length < 2 || t.indexOf(q) !== 0)) return;
        var doc = 0, postings = shard[t];
        for (var i = 0; i < postings.length; i++) {
          var v = postings[i];
          doc += Math.floor(v / 64);
          var where = v % 4;
          var s = (where & 2) ? (exact ? 8 : 5) : (exact ? 3 : 1);
          if (!(best[doc] >= s)) best[doc] = s;
          tlen[doc] = Math.floor(v / 4) % 16;
        }
      });
    });
    return { best: best, tlen: tlen };
  }
  // A document must match every word and every quoted pair. Its score: the
  // words' scores, 20 if every word is in its title (100 if the title is
  // the query), and for neighbouring pairs found as a phrase up to 40 (60 in
  // the title), which puts "tu hinh" (tử hình) above "tu" and "hinh" apart.
  function rank(perTerm, perPair, pairs) {
    var n = perTerm.length, hits = [];
    Object.keys(perTerm[0].best).forEach(function (d) {
      var score = 0, inTitle = 0;
      for (var i = 0; i < n; i++) {
        var s = perTerm[i].best[d];
        if (!s) return;
        score += s;
        if (s >= 5) inTitle++;
      }
      var phrase = 0;
      for (var j = 0; j < pairs.length; j++) {
        var p = perPair[j].best[d];
        if (!p && pairs[j].required) return;
        if (p) phrase += p >= 5 ? 60 : 40;
      }
      if (pairs.length) score += Math.round(phrase / pairs.length);
      var tlen = perTerm[0].tlen[d];
      // Every word in the title: a title match; the title is the query: exact.
      if (inTitle === n) score += tlen === n ? 100 : 20;
      hits.push({ doc: +d, score: score, tlen: tlen });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.tlen - b.tlen || a.doc - b.doc; });
    return hits;
  }
  function show(m, hits, from, token) {
    var page = hits.slice(from, from + PAGE);
    var files = {};
    page.forEach(function (h) { files[Math.floor(h.doc / m.per)] = true; });
    return Promise.all(Object.keys(files).map(function (n) {
      return get(dir + "d/" + n + ".json?v=" + m.version).then(function (rows) { return [+n, rows]; });
    })).then(function (loaded) {
      if (token !== current) return;
      var rows = {};
      loaded.forEach(function (x) { rows[x[0]] = x[1]; });
      page.forEach(function (h) {
        var r = rows[Math.floor(h.doc / m.per)][h.doc % m.per];
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + r[2];
        a.textContent = r[1];
        var kind = document.createElement("span");
        kind.className = "result-type";
        kind.textContent = m.kinds[r[0]];
        var p = document.createElement("p");
        p.className = "result-snippet";
        p.textContent = r[3];
        li.appendChild(a);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(kind);
        li.appendChild(p);
        list.appendChild(li);
      });
      if (more) {
        more.hidden = from + PAGE >= hits.length;
        more.onclick = function () { show(m, hits, from + PAGE, token); };
      }
    });
  }
  function run(q) {
    var token = ++current;
    var parsed = parse(q), words = parsed.words, pairs = parsed.pairs;
    list.textContent = "";
    if (more) more.hidden = true;
    if (!words.length) { status.textContent = ""; return; }
    status.textContent = script.getAttribute("data-loading");
    function lookup(m, keys, sub, w, noPrefix) {
      return Promise.all(shardsFor(keys, w).map(function (k) {
        return get(dir + sub + "/" + k + ".json?v=" + m.version);
      })).then(function (shards) { return matches(shards, w, noPrefix); });
    }
    get(manifestUrl).then(function (m) {
      return Promise.all([
        Promise.all(words.map(function (w) { return lookup(m, m.shards, "t", w, false); })),
        Promise.all(pairs.map(function (p) { return lookup(m, m.phrases || [], "p", p.key, !p.prefix); }))
      ]).then(function (found) {
        if (token !== current) return;
        var hits = rank(found[0], found[1], pairs);
        status.textContent = hits.length
          ? script.getAttribute("data-count").replace("{n}", hits.length)
          : script.getAttribute("data-none");
        return show(m, hits, 0, token);
      });
    }).catch(function () {
      if (token === current) status.textContent = script.getAttribute("data-error");
    });
  }
  var q = new URLSearchParams(location.search).get("q") || "";
  input.value = q;
  if (q) run(q);
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var v = input.value;
    history.replaceState(null, "", "?q=" + encodeURIComponent(v));
    run(v);
  });
})();
