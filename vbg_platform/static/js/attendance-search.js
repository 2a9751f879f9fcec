// The attendance form's walk-in search: as the secretariat types, fetch the results part of the same page
// and swap it in. Without JavaScript the "Zoeken" button does the same with a round trip that keeps the ticks.
(function () {
  "use strict";
  var input = document.querySelector("[data-walk-in-search]");
  var results = document.querySelector("[data-walk-in-results]");
  var status = document.querySelector("[data-walk-in-status]");
  if (!input || !results) { return; }
  var timer = null;
  var latest = 0;

  function listed() {
    return Array.prototype.map.call(document.querySelectorAll("[data-attendance-row]"), function (row) {
      return "&op_lijst=" + encodeURIComponent(row.getAttribute("data-attendance-row"));
    }).join("");
  }

  function refresh() {
    var request = ++latest;
    var url = input.getAttribute("data-url") + "?fragment=1&zoek=" + encodeURIComponent(input.value.trim()) + listed();
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || request !== latest) { return; }
        results.innerHTML = html;
        if (status) {
          var summary = results.querySelector("[data-walk-in-summary]");
          status.textContent = summary ? summary.textContent.trim() : "";
        }
      })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  });
})();
