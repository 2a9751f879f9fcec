// The bell: live unread count over an authenticated websocket, with reconnect back-off and a
// polling fallback when websockets cannot connect (channel layer down, proxy without upgrade).
(function () {
  "use strict";
  var bell = document.querySelector("[data-bell]");
  if (!bell) { return; }
  var badge = bell.querySelector("[data-unread-count]");
  var announcer = document.querySelector("[data-bell-announcer]");
  var delay = 1000;
  var maxDelay = 60000;
  var pollTimer = null;
  var closedForGood = false;

  function setCount(n) {
    badge.textContent = String(n);
    bell.setAttribute("data-unread", String(n));
  }

  function announce(text) {
    if (announcer) { announcer.textContent = text; }
  }

  function poll() {
    fetch(bell.getAttribute("data-poll-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { setCount(data.unread); } })
      .catch(function () {});
  }

  function startPolling() {
    if (!pollTimer) { pollTimer = window.setInterval(poll, 30000); }
  }

  function stopPolling() {
    if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + bell.getAttribute("data-ws-path"));
    } catch (e) {
      startPolling();
      return;
    }
    socket.onopen = function () { delay = 1000; stopPolling(); bell.setAttribute("data-live", "true"); };
    socket.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (typeof data.unread === "number") { setCount(data.unread); }
      if (data.type === "new") {
        setCount((parseInt(badge.textContent, 10) || 0) + 1);
        if (data.title) { announce(data.title); }
      }
    };
    socket.onclose = function (event) {
      bell.setAttribute("data-live", "false");
      if (event.code === 4401) { closedForGood = true; return; }  // no (longer) access: stop trying
      poll();  // catch up at once with what came in while the socket was down, then every 30 s
      startPolling();
      if (!closedForGood) {
        window.setTimeout(connect, delay + Math.floor(Math.random() * 500));
        delay = Math.min(delay * 2, maxDelay);
      }
    };
  }

  connect();
})();
