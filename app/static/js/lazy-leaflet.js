/* Loads Leaflet (vendored) only when a map is opened, and draws the base map.
   The container carries the settings: data-leaflet-css, data-leaflet-js, data-tile-url,
   data-tile-attribution. */
(function () {
  'use strict';
  var loading = null;

  function load(el) {
    if (window.L) return Promise.resolve(window.L);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var css = document.createElement('link');
        css.rel = 'stylesheet';
        css.href = el.dataset.leafletCss;
        document.head.appendChild(css);
        var script = document.createElement('script');
        script.src = el.dataset.leafletJs;
        script.onload = function () { resolve(window.L); };
        script.onerror = function () { loading = null; reject(new Error('leaflet')); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  // Hoàn Kiếm Lake: the middle of the city.
  var HANOI = [21.0285, 105.8542];

  window.cdtdMap = function (el, center, zoom) {
    return load(el).then(function (L) {
      el.hidden = false;
      var map = L.map(el).setView(center || HANOI, zoom || 13);
      L.tileLayer(el.dataset.tileUrl, {
        maxZoom: 19, attribution: el.dataset.tileAttribution
      }).addTo(map);
      return map;
    });
  };
}());
