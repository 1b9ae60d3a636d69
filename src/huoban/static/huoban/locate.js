// "Nearest to me": asks the browser for the position only after a tap, then submits the
// finder form with lat/lng. Without JavaScript the "choose your street" form does the job.
(function () {
  "use strict";
  var button = document.getElementById("locate");
  if (!button || !("geolocation" in navigator)) return;
  var status = document.getElementById("locate-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.wait;
    navigator.geolocation.getCurrentPosition(function (pos) {
      var url = new URL(button.dataset.action, window.location.href);
      url.searchParams.set("lat", pos.coords.latitude.toFixed(6));
      url.searchParams.set("lng", pos.coords.longitude.toFixed(6));
      window.location.assign(url.toString());
    }, function () {
      status.textContent = button.dataset.denied;
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
  });
})();
