// Title suggestions under every search box marked data-title-suggestions, as an ARIA 1.2 combobox (the
// WAI-ARIA "list autocomplete with manual selection" pattern): arrow keys move through the list, Enter opens
// the chosen title (or searches when none is chosen), Escape closes the list and keeps what was typed, Tab
// leaves. Escape with the list closed does what Escape does in any search box (the browser clears it).
// Without JavaScript the box is a plain search form. The server only returns titles this user may open.
(function () {
  "use strict";
  var counter = 0;

  function setup(input) {
    var id = input.id + "-suggesties";
    var list = document.createElement("ul");
    list.id = id;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.dataset.suggestLabel || "Suggesties");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);

    var timer = null;
    var latest = 0;
    var answered = 0;
    var active = -1;

    // "3 suggestions" in the page's language: the words come from the template (data-suggest-one/-many).
    function countText(n) {
      var words = input.getAttribute(n === 1 ? "data-suggest-one" : "data-suggest-many");
      return words ? words.replace("{n}", String(n)) : String(n);
    }

    function options() { return list.querySelectorAll("[role=option]"); }

    // Forget a suggestion request that has not been answered yet: its answer must not reopen the list.
    function cancel() {
      window.clearTimeout(timer);
      timer = null;
      answered = ++latest;
    }

    function pending() { return timer !== null || answered < latest; }

    // Visual focus back in the box: Enter searches for what was typed again.
    function unhighlight() {
      Array.prototype.forEach.call(options(), function (item) { item.setAttribute("aria-selected", "false"); });
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = options();
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      Array.prototype.forEach.call(items, function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
    }

    function show(results) {
      list.textContent = "";
      results.forEach(function (result) {
        var item = document.createElement("li");
        item.id = id + "-" + (++counter);
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.url = result.url;
        var title = document.createElement("span");
        title.textContent = result.title;
        var kind = document.createElement("span");
        kind.className = "suggestion-type";
        kind.textContent = result.type;
        item.appendChild(title);
        item.appendChild(kind);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          window.location.assign(result.url);
        });
        list.appendChild(item);
      });
      var open = results.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      active = -1;
      input.removeAttribute("aria-activedescendant");
      status.textContent = open ? countText(results.length) : "";
    }

    function fetchSuggestions() {
      window.clearTimeout(timer);
      timer = null;
      var text = input.value.trim();
      if (text.length < 2) { cancel(); close(); return; }
      var request = ++latest;
      fetch(input.dataset.titleSuggestions + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (request === latest) { answered = request; show(data.results || []); } })
        .catch(function () { if (request === latest) { answered = request; close(); } });
    }

    input.addEventListener("input", function () {
      unhighlight();  // the chosen title belonged to the words before this change
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        if (list.hidden) { fetchSuggestions(); } else { highlight(active + 1); }
        event.preventDefault();
      } else if (event.key === "ArrowUp" && !list.hidden) {
        highlight(active < 0 ? -1 : active - 1);  // from the box up to the last title
        event.preventDefault();
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault();
        window.location.assign(options()[active].dataset.url);
      } else if (event.key === "Escape") {
        if (!list.hidden || pending()) {
          event.preventDefault();  // a search box would also clear what was typed
          cancel();
          close();
        }
      } else if (["ArrowLeft", "ArrowRight", "Home", "End"].indexOf(event.key) >= 0 && active >= 0) {
        unhighlight();  // the caret moves in the box again
      }
    });
    input.addEventListener("blur", function () {
      cancel();
      window.setTimeout(close, 150);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-title-suggestions]"), setup);
})();
