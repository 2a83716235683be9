// Progressive enhancement of the place pickers: "use my location" fills the coordinates from the
// phone's GPS. Without JavaScript (or GPS) the list of known places and typed coordinates work.
(function () {
  "use strict";
  if (!("geolocation" in navigator)) return;
  document.querySelectorAll("[data-locate]").forEach(function (button) {
    var prefix = button.getAttribute("data-locate");
    var lat = document.getElementById(prefix + "lat");
    var lon = document.getElementById(prefix + "lon");
    if (!lat || !lon) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lon.value = position.coords.longitude.toFixed(6);
        button.disabled = false;
      }, function () {
        button.disabled = false;
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  });
})();
