// Search as you type for forms marked data-live-search: fetch the results fragment of the same
// URL and swap it in. Without JavaScript the form still works with its submit button.
(function () {
  "use strict";
  var form = document.querySelector("[data-live-search]");
  var results = document.querySelector("[data-results]");
  var status = document.querySelector("[data-results-status]");
  if (!form || !results) { return; }
  var timer = null;
  var latest = 0;

  function query() {
    var params = new URLSearchParams(new FormData(form));
    return params.toString();
  }

  function refresh() {
    var qs = query();
    var request = ++latest;
    fetch(form.action + "?" + qs + "&fragment=1", { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || request !== latest) { return; }
        results.innerHTML = html;
        if (status) {
          // Announce only the counts (the headings), not the whole table, to screen readers.
          var counts = Array.prototype.map.call(results.querySelectorAll("h2"), function (h) { return h.textContent.trim(); });
          status.textContent = counts.join(", ");
        }
        window.history.replaceState(null, "", form.action + (qs ? "?" + qs : ""));
      })
      .catch(function () {});
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  });
  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    refresh();
  });
})();
