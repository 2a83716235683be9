/* Loads Leaflet (vendored) only when a map is opened, and draws the base map.
   The container carries the settings: data-leaflet-css, data-leaflet-js, data-tile-url,
   data-tile-attribution, data-msg-zoom-in, data-msg-zoom-out; and what this map needs besides Leaflet, loaded with it and never by
   the page itself: data-map-css (stylesheets) and data-map-js (Leaflet plugins), space-separated. */
(function () {
  'use strict';
  var loaded = {}; // url -> promise

  function once(url, make) {
    if (!loaded[url]) {
      loaded[url] = make().catch(function (err) { delete loaded[url]; throw err; });
    }
    return loaded[url];
  }

  function script(url) {
    return once(url, function () {
      return new Promise(function (resolve, reject) {
        var el = document.createElement('script');
        el.src = url;
        el.onload = resolve;
        el.onerror = function () { reject(new Error('map script ' + url)); };
        document.head.appendChild(el);
      });
    });
  }

  function stylesheet(url) {
    return once(url, function () {
      return new Promise(function (resolve) {
        var el = document.createElement('link');
        el.rel = 'stylesheet';
        el.href = url;
        // A missing stylesheet leaves an unstyled map, not a broken one.
        el.onload = el.onerror = resolve;
        document.head.appendChild(el);
      });
    });
  }

  function list(value) { return (value || '').split(/\s+/).filter(Boolean); }

  function load(el) {
    var css = [el.dataset.leafletCss].concat(list(el.dataset.mapCss)).map(stylesheet);
    var js = (window.L ? Promise.resolve() : script(el.dataset.leafletJs)).then(function () {
      // Plugins extend window.L: one after the other, in the given order.
      return list(el.dataset.mapJs).reduce(function (done, url) {
        return done.then(function () { return script(url); });
      }, Promise.resolve());
    });
    return Promise.all(css.concat([js])).then(function () { return window.L; });
  }

  // Hoàn Kiếm Lake: the middle of the city.
  var HANOI = [21.0285, 105.8542];

  window.cdtdLoadScript = script;

  window.cdtdMap = function (el, center, zoom) {
    return load(el).then(function (L) {
      // The map's box (heading, legend) shows with the map, once its styles are in.
      var box = el.closest('.map-box');
      if (box) box.hidden = false;
      el.hidden = false;
      // The zoom buttons' names in the page's language (Leaflet's own are English).
      var map = L.map(el, { zoomControl: false }).setView(center || HANOI, zoom || 13);
      L.control.zoom({
        zoomInTitle: el.dataset.msgZoomIn || 'Zoom in', zoomOutTitle: el.dataset.msgZoomOut || 'Zoom out'
      }).addTo(map);
      L.tileLayer(el.dataset.tileUrl, {
        maxZoom: 19, attribution: el.dataset.tileAttribution
      }).addTo(map);
      return map;
    });
  };
}());
