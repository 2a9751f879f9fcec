/* The QR code on the letter opens /vragenlijst/#CODE: the part after "#" never reaches a server, so the code
   is in no log. Copy it into the code field and drop it from the address bar and the history. */
(function () {
  var field = document.getElementById("id_code");
  var code = window.location.hash.replace(/^#/, "").replace(/[^A-Za-z0-9-]/g, "").slice(0, 20);
  if (!field || !code) {
    return;
  }
  field.value = code.toUpperCase();
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname);
  }
  var start = document.querySelector("form button[type=submit]");
  if (start) {
    start.focus();
  }
})();
