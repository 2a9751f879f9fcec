// The live meeting page: the item under discussion, new decisions and new action items appear without a
// reload. Payload text only ever goes in through textContent. Without a websocket the page is complete on
// reload; after a dropped connection the agenda is fetched again so nothing missed stays missing.
(function () {
  "use strict";
  var agenda = document.querySelector("[data-agenda][data-live-url]");
  if (!agenda || !("WebSocket" in window)) { return; }

  var delay = 1000;
  var maxDelay = 30000;
  var stopped = false;
  var wasConnected = false;
  var announcer = makeAnnouncer();

  function text(name, fallback) {
    return agenda.getAttribute("data-live-text-" + name) || fallback;
  }

  function makeAnnouncer() {
    // Present (empty) from the start, so screen readers pick up what is written into it later.
    var region = document.createElement("div");
    region.className = "visually-hidden";
    region.setAttribute("aria-live", "polite");
    region.setAttribute("data-live-announcer", "");
    (document.querySelector("main") || document.body).appendChild(region);
    return region;
  }

  function announce(message) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = message; }, 50);
  }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  function agendaItem(id) {
    if (id === null || id === undefined) { return null; }
    return agenda.querySelector('[data-agenda-item="' + String(parseInt(id, 10)) + '"]');
  }

  function otherSection() {
    // "Overige besluiten en actiepunten": rendered only when it has entries, so made here when needed.
    var section = document.getElementById("besluiten");
    if (!section) {
      section = el("section");
      section.id = "besluiten";
      section.appendChild(el("h2", "", text("other", "Overige besluiten en actiepunten")));
      agenda.parentNode.insertBefore(section, agenda.nextSibling);
    }
    return section;
  }

  function formatDate(iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!parts) { return ""; }
    var date = new Date(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]));
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || "nl", {
        day: "numeric", month: "long", year: "numeric"
      }).format(date);
    } catch (e) {
      return iso;
    }
  }

  function highlight(node) {
    node.classList.add("live-new");
    window.setTimeout(function () { node.classList.remove("live-new"); }, 4000);
  }

  function setCurrent(data) {
    var target = agendaItem(data.item_id);
    agenda.querySelectorAll("[data-agenda-item]").forEach(function (item) {
      if (item !== target) {
        item.classList.remove("current");
        item.removeAttribute("aria-current");
      }
    });
    // The secretariat's controls, when shown, mark the same item.
    document.querySelectorAll("[data-live-control]").forEach(function (control) {
      control.classList.toggle("current", target !== null && control.getAttribute("data-live-control") === String(data.item_id));
    });
    if (target) {
      target.classList.add("current");
      target.setAttribute("aria-current", "true");
      announce(text("current", "Nu aan de orde") + ": " + String(data.title || ""));
    } else {
      announce(text("none", "Er is nu geen punt aan de orde."));
    }
  }

  function addDecision(data) {
    if (document.querySelector('[data-decision="' + String(parseInt(data.id, 10)) + '"]')) { return; }
    var p = el("p", "decision");
    p.setAttribute("data-decision", String(parseInt(data.id, 10)));
    p.appendChild(el("strong", "", text("decision", "Besluit") + ":"));
    p.appendChild(document.createTextNode(" " + String(data.text || "")));
    var item = agendaItem(data.agenda_item_id);
    var container = item && item.querySelector("[data-decisions]");
    if (container) {
      container.appendChild(p);
    } else {
      var section = otherSection();
      var decisions = section.querySelectorAll("p.decision");
      var after = decisions.length ? decisions[decisions.length - 1] : section.querySelector("h2");
      section.insertBefore(p, after.nextSibling);
    }
    highlight(p);
    announce(text("new-decision", "Nieuw besluit") + ": " + String(data.text || ""));
  }

  function addActionItem(data) {
    if (document.querySelector('[data-action-item="' + String(parseInt(data.id, 10)) + '"]')) { return; }
    var item = agendaItem(data.agenda_item_id);
    var container = (item && item.querySelector("[data-actions]")) || otherSection();
    var list = container.querySelector("ul.action-items");
    if (!list) {
      list = el("ul", "action-items");
      container.appendChild(list);
    }
    var li = el("li");
    li.setAttribute("data-action-item", String(parseInt(data.id, 10)));
    li.appendChild(el("strong", "", text("action", "Actie") + ":"));
    li.appendChild(document.createTextNode(" " + String(data.description || "") + " "));
    var details = String(data.owner || "-");
    var due = formatDate(data.due_date);
    if (due) { details += ", " + text("due", "klaar op") + " " + due; }
    details += ", " + text("open", "open");
    li.appendChild(el("span", "muted", "(" + details + ")"));
    list.appendChild(li);
    highlight(li);
    announce(text("new-action", "Nieuw actiepunt") + ": " + String(data.description || ""));
  }

  function resync() {
    // Events sent while the connection was down are gone: take the agenda as the server renders it now.
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var freshAgenda = fresh.querySelector("[data-agenda]");
        if (freshAgenda) {
          agenda.replaceChildren.apply(agenda, Array.prototype.map.call(freshAgenda.childNodes, function (node) {
            return document.importNode(node, true);
          }));
        }
        var freshOther = fresh.getElementById("besluiten");
        var other = document.getElementById("besluiten");
        if (freshOther && other) {
          other.replaceWith(document.importNode(freshOther, true));
        } else if (freshOther) {
          agenda.parentNode.insertBefore(document.importNode(freshOther, true), agenda.nextSibling);
        }
      })
      .catch(function () {});
  }

  var handlers = { current_item: setCurrent, decision: addDecision, action_item: addActionItem };

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + agenda.getAttribute("data-live-url"));
    } catch (e) {
      return;  // the page still works on reload
    }
    socket.onopen = function () {
      delay = 1000;
      agenda.setAttribute("data-live", "true");
      if (wasConnected) { resync(); }
      wasConnected = true;
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      var handler = data && handlers[data.kind];
      if (handler) { handler(data); }
    };
    socket.onclose = function (event) {
      agenda.setAttribute("data-live", "false");
      if (event.code === 4401 || event.code === 4404) { stopped = true; }  // no (longer) access
      if (!stopped) {
        window.setTimeout(connect, delay + Math.floor(Math.random() * 500));
        delay = Math.min(delay * 2, maxDelay);
      }
    };
  }

  connect();
})();
