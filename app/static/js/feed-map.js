/* The feed's map: Leaflet loads only when the user opens it; markers from map.json with the
   same filters as the list (public fields only). */
(function () {
  'use strict';
  if (window.cdtdFeedMap) return;
  window.cdtdFeedMap = true;

  var map = null;
  var layer = null;

  function container() {
    // A boosted navigation may have replaced the page the map was drawn on.
    if (map && !document.body.contains(map.getContainer())) map = layer = null;
    return document.getElementById('feed-map');
  }

  function query() {
    var filters = document.getElementById('feed-filters');
    var params = new URLSearchParams();
    if (filters) {
      new FormData(filters).forEach(function (value, key) { if (value) params.append(key, value); });
    }
    return params.toString();
  }

  function popup(point) {
    var box = document.createElement('div');
    var link = document.createElement('a');
    link.href = point.url;
    link.textContent = point.category + ' #' + point.id;
    var state = document.createElement('div');
    state.textContent = point.status_label;
    box.appendChild(link);
    box.appendChild(state);
    return box;
  }

  function refresh() {
    var el = container();
    if (!map || !el) return;
    fetch(el.dataset.pointsUrl + '?' + query(), { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (layer) map.removeLayer(layer);
        layer = window.L.layerGroup();
        var bounds = [];
        data.points.forEach(function (p) {
          window.L.marker([p.lat, p.lon], { title: p.category + ' #' + p.id, alt: p.category })
            .bindPopup(popup(p)).addTo(layer);
          bounds.push([p.lat, p.lon]);
        });
        layer.addTo(map);
        if (bounds.length) map.fitBounds(bounds, { maxZoom: 16, padding: [20, 20] });
      });
  }

  function open(button) {
    var el = container();
    if (!el || map) return;
    if (button) button.hidden = true;
    window.cdtdMap(el).then(function (m) { map = m; refresh(); },
      function () { if (button) button.hidden = false; });
  }

  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('[data-map-open]');
    if (!button || !container()) return;
    e.preventDefault();
    open(button);
  });
  // The filters swap the list: show the same reports on the map.
  document.addEventListener('htmx:afterSwap', function (e) {
    if (e.target && e.target.id === 'feed-list') refresh();
  });
  function init() {
    var el = container();
    if (el && el.hasAttribute('data-autoload')) open(document.querySelector('[data-map-open]'));
  }
  document.addEventListener('DOMContentLoaded', init);
  if (document.readyState !== 'loading') init();
}());
