/* The referral status form: show only the fields that belong to the chosen status. Without this script every
   field stays visible and says which status it is for; the server ignores those of other statuses. */
(function () {
  var choice = document.getElementById("id_status-to_status");
  if (!choice) {
    return;
  }
  var parts = document.querySelectorAll("[data-for-status]");
  function update() {
    for (var i = 0; i < parts.length; i++) {
      parts[i].hidden = parts[i].getAttribute("data-for-status") !== choice.value;
    }
  }
  choice.addEventListener("change", update);
  update();
})();
