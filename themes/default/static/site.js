// Small enhancements on every page; each page works without them.
// The language switch keeps the view: a filtered list (?agency=mps) or a
// search (?q=...) and the place on the page (#year-2025) carry over to the
// same page in the other language. The plain link, without the query, is
// what a reader without JavaScript follows.
(function () {
  var links = document.querySelectorAll("a[data-keep-query]");
  Array.prototype.forEach.call(links, function (a) {
    var base = a.getAttribute("href");
    function update() {
      a.setAttribute("href", base + location.search + location.hash);
    }
    // Read the address when the link is used: filters change it in place.
    a.addEventListener("click", update);
    a.addEventListener("focus", update);
    a.addEventListener("mouseover", update);
    update();
  });
})();

// On paper: the page's own address in the footer (the built one may be
// relative to the host), internal links' full addresses for the print
// style sheet, and every folded section open. Put back after printing.
(function () {
  var folded = [];
  window.addEventListener("beforeprint", function () {
    var where = document.querySelector(".site-footer .print-url");
    if (where) where.textContent = location.href;
    Array.prototype.forEach.call(document.querySelectorAll("main a[href]"), function (a) {
      a.setAttribute("data-print-href", a.href);
    });
    folded = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    folded.forEach(function (d) { d.open = false; });
    folded = [];
  });
})();
