/* The feed's map: Leaflet and its clustering plugin load only when the user opens it; markers
   from map.json with the same filters as the list (public fields only), clustered, one shape and
   colour per status (map.css, with the legend in the page), the report's card on tap.
   Keyboard: each cluster or marker is one Tab stop with a name; Enter opens it. */
(function () {
  'use strict';
  if (window.cdtdFeedMap) return;
  window.cdtdFeedMap = true;

  var map = null;
  var group = null;
  var asked = 0; // the newest request: an older answer arriving late is dropped

  function container() {
    // A boosted navigation may have replaced the page the map was drawn on.
    if (map && !document.body.contains(map.getContainer())) map = group = null;
    return document.getElementById('feed-map');
  }
  function box() { return document.getElementById('feed-map-box'); }
  function msg(name, num) { return (box().dataset[name] || '').replace('%(num)s', num); }

  function query() {
    var filters = document.getElementById('feed-filters');
    var params = new URLSearchParams();
    if (filters) {
      new FormData(filters).forEach(function (value, key) { if (value) params.append(key, value); });
    }
    return params.toString();
  }

  // A div icon with an accessible name: Leaflet gives it role=button and a Tab stop.
  function labelledIcon(L) {
    return L.DivIcon.extend({
      createIcon: function (old) {
        var el = L.DivIcon.prototype.createIcon.call(this, old);
        el.setAttribute('aria-label', this.options.label);
        return el;
      }
    });
  }

  function card(point) {
    var el = document.createElement('div');
    el.className = 'map-card';
    var title = document.createElement('a');
    title.className = 'map-card-title';
    title.href = point.url;
    title.textContent = point.title;
    var state = document.createElement('p');
    var badge = document.createElement('span');
    badge.className = 'status status-' + point.status;
    badge.textContent = point.status_label;
    state.appendChild(badge);
    if (point.deadline) {
      var left = document.createElement('span');
      left.className = point.overdue ? 'overdue-text' : 'time-left';
      left.textContent = point.deadline;
      state.appendChild(document.createTextNode(' '));
      state.appendChild(left);
    }
    el.appendChild(title);
    el.appendChild(state);
    return el;
  }

  function draw(data) {
    var L = window.L;
    var Icon = labelledIcon(L);
    group.clearLayers();
    var markers = data.points.map(function (p) {
      var marker = L.marker([p.lat, p.lon], {
        title: p.label,
        icon: new Icon({
          className: 'map-pin status-' + p.status + (p.overdue ? ' is-overdue' : ''),
          iconSize: [28, 28], label: p.label
        })
      });
      marker.bindPopup(function () { return card(p); });
      return marker;
    });
    group.addLayers(markers);
    var count = document.getElementById('feed-map-end');
    count.textContent = msg('msgCount', data.points.length) +
      (data.points.length >= data.limit ? ' ' + msg('msgLimit', data.limit) : '');
    if (markers.length) map.fitBounds(group.getBounds(), { maxZoom: 16, padding: [20, 20] });
  }

  function refresh() {
    var el = container();
    if (!map || !el) return;
    var mine = ++asked;
    fetch(el.dataset.pointsUrl + '?' + query(), { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (mine === asked && map) draw(data); });
  }

  function clusterIcon(cluster) {
    var n = cluster.getChildCount();
    var size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
    var Icon = labelledIcon(window.L);
    return new Icon({
      html: '<span>' + n + '</span>', className: 'map-cluster map-cluster-' + size,
      iconSize: [40, 40], label: msg('msgCluster', n)
    });
  }

  // What had the focus may leave the map (a cluster opened by Enter is replaced by what it
  // held): keep the focus on the map, so the next Tab reaches what is now shown.
  var left = null; // the map's element that last had the focus
  function keepFocus() {
    var el = container();
    var lost = left && !document.body.contains(left);
    if (el && lost && (!document.activeElement || document.activeElement === document.body)) el.focus();
  }

  function setUp(m, button, focus) {
    var L = window.L;
    map = m;
    group = L.markerClusterGroup({
      iconCreateFunction: clusterIcon, showCoverageOnHover: false, maxClusterRadius: 60
    });
    group.addTo(map);
    map.getContainer().addEventListener('focusin', function (e) { left = e.target; });
    map.on('moveend', keepFocus);
    // A card opened with the keyboard takes the focus; closing it gives it back to the marker.
    map.on('popupopen', function (e) {
      var close = e.popup.getElement() && e.popup.getElement().querySelector('.leaflet-popup-close-button');
      if (close && container().dataset.msgClose) close.setAttribute('aria-label', container().dataset.msgClose);
      var link = e.popup.getElement() && e.popup.getElement().querySelector('.map-card-title');
      if (link && e.popup._source && document.activeElement === e.popup._source.getElement()) link.focus();
    });
    map.on('popupclose', function (e) {
      var marker = e.popup._source && e.popup._source.getElement();
      var popup = e.popup.getElement();
      if (marker && popup && popup.contains(document.activeElement)) marker.focus();
      setTimeout(keepFocus);
    });
    if (button) button.hidden = true;
    if (focus) document.getElementById('feed-map-title').focus();
    refresh();
  }

  function open(button, focus) {
    var el = container();
    if (!el || map) return;
    if (button) button.setAttribute('aria-busy', 'true');
    window.cdtdMap(el).then(function (m) {
      if (button) button.removeAttribute('aria-busy');
      setUp(m, button, focus);
    }, function () {
      if (button) button.removeAttribute('aria-busy');
    });
  }

  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('[data-map-open]');
    if (!button || !container()) return;
    e.preventDefault();
    open(button, true);
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
