// A long list of checkboxes marked data-choice-list (the organisations of an integrale actie): a box that
// narrows the list as you type, and a line that names what is chosen, also what the filter hides.
// Without JavaScript the list works as it is: every checkbox shown, in a box that scrolls.
(function () {
  "use strict";

  function enhance(list) {
    var filter = list.querySelector("[data-choice-filter]");
    var input = list.querySelector("[data-choice-filter-input]");
    var summary = list.querySelector("[data-choice-summary]");
    var none = list.querySelector("[data-choice-none]");
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-choice-text]"));
    if (!filter || !input || !items.length) { return; }

    function words(text) {
      return text.toLowerCase().split(/\s+/).filter(Boolean);
    }

    function narrow() {
      var wanted = words(input.value);
      var matches = 0;
      items.forEach(function (item) {
        var text = item.getAttribute("data-choice-text");
        var checked = item.querySelector("input").checked;
        var match = wanted.every(function (word) { return text.indexOf(word) !== -1; });
        // A chosen organisation stays in view, so it can be unticked without clearing the filter.
        item.hidden = !(match || checked);
        if (match) { matches += 1; }
      });
      if (none) { none.hidden = matches > 0; }
    }

    function summarise() {
      if (!summary) { return; }
      var names = items.filter(function (item) { return item.querySelector("input").checked; })
        .map(function (item) { return item.querySelector(".choice-name").textContent.trim(); });
      summary.textContent = names.length
        ? summary.getAttribute("data-some") + " (" + names.length + "): " + names.join(", ")
        : summary.getAttribute("data-none");
      summary.hidden = false;
    }

    filter.hidden = false;
    input.addEventListener("input", narrow);
    // Enter in the filter box narrows the list; it must not submit the form half filled in.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); narrow(); }
    });
    list.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") { summarise(); }
    });
    summarise();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-choice-list]"), enhance);
})();
