/* The report form, enhanced: photos resized in the browser before upload, location from
   GPS or a map pin, extra questions of the chosen category only. The form works without it. */
(function () {
  'use strict';
  if (window.cdtdReportForm) return;
  window.cdtdReportForm = true;

  var MAX_EDGE = 1600;
  var QUALITY = 0.82;
  var canReplaceFiles = (function () {
    try { return !!new DataTransfer().files; } catch (e) { return false; }
  }());
  var chosen = new WeakMap(); // file input -> the files it will send
  var map = null;
  var pin = null;

  function form() { return document.getElementById('report-form'); }
  function msg(name) { return form().dataset[name] || ''; }

  // --- photos ---------------------------------------------------------------------------
  function resize(file) {
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png|webp)$/.test(file.type)) return resolve(file);
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var w = img.naturalWidth, h = img.naturalHeight;
        var scale = Math.min(1, MAX_EDGE / Math.max(w, h));
        if (scale === 1 && file.type === 'image/jpeg' && file.size < 1500000) {
          URL.revokeObjectURL(url);
          return resolve(file);
        }
        var canvas = document.createElement('canvas');
        canvas.width = Math.round(w * scale);
        canvas.height = Math.round(h * scale);
        canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) {
          if (!blob) return resolve(file);
          var name = file.name.replace(/\.[^.]*$/, '') + '.jpg';
          resolve(new File([blob], name, { type: 'image/jpeg', lastModified: file.lastModified }));
        }, 'image/jpeg', QUALITY);
      };
      // Formats the browser cannot draw (HEIC on some phones) go as they are: the server explains.
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }

  function setFiles(input, files) {
    var dt = new DataTransfer();
    files.forEach(function (f) { dt.items.add(f); });
    input.files = dt.files;
    chosen.set(input, files);
    showPreviews();
  }

  function allChosen() {
    var list = [];
    form().querySelectorAll('input[type=file][data-resize]').forEach(function (input) {
      (chosen.get(input) || []).forEach(function (file) { list.push([input, file]); });
    });
    return list;
  }

  function showPreviews() {
    var box = form().querySelector('[data-previews]');
    box.querySelectorAll('img').forEach(function (img) { URL.revokeObjectURL(img.src); });
    box.textContent = '';
    allChosen().forEach(function (pair) {
      var li = document.createElement('li');
      var img = document.createElement('img');
      img.src = URL.createObjectURL(pair[1]);
      img.alt = pair[1].name;
      img.width = 96;
      img.height = 96;
      var remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'link';
      remove.textContent = msg('msgRemove');
      remove.addEventListener('click', function () {
        setFiles(pair[0], (chosen.get(pair[0]) || []).filter(function (f) { return f !== pair[1]; }));
      });
      li.appendChild(img);
      li.appendChild(remove);
      box.appendChild(li);
    });
    var kept = form().querySelectorAll('input[name=photo_token]').length -
      form().querySelectorAll('input[name=remove_photo]:checked').length;
    var max = parseInt(form().dataset.maxPhotos, 10);
    status(allChosen().length + kept > max ? msg('msgTooMany') : '');
  }

  function status(text) {
    var el = form().querySelector('[data-photo-status]');
    if (el) el.textContent = text;
  }

  function busy(on) {
    form().querySelectorAll('button[type=submit]').forEach(function (b) { b.disabled = on; });
    if (on) status(msg('msgPreparing'));
  }

  function onFiles(input) {
    var previous = chosen.get(input) || [];
    var picked = Array.prototype.slice.call(input.files);
    if (!picked.length) return setFiles(input, previous);
    busy(true);
    Promise.all(picked.map(resize)).then(function (files) {
      busy(false);
      setFiles(input, previous.concat(files));
    });
  }

  // --- location -------------------------------------------------------------------------
  function setLocation(lat, lon, text) {
    var latInput = document.getElementById('lat');
    latInput.value = lat === null ? '' : lat.toFixed(6);
    document.getElementById('lon').value = lon === null ? '' : lon.toFixed(6);
    document.getElementById('location-status').textContent = text;
    if (map && lat !== null) placePin(lat, lon);
    if (map && lat === null && pin) { map.removeLayer(pin); pin = null; }
    latInput.dispatchEvent(new Event('change', { bubbles: true }));
  }

  function current() {
    var lat = parseFloat(document.getElementById('lat').value);
    var lon = parseFloat(document.getElementById('lon').value);
    return isNaN(lat) || isNaN(lon) ? null : [lat, lon];
  }

  function placePin(lat, lon) {
    if (!pin) {
      pin = window.L.marker([lat, lon], { draggable: true, keyboard: true }).addTo(map);
      pin.on('dragend', function () {
        var p = pin.getLatLng();
        setLocation(p.lat, p.lng, msg('msgLocated'));
      });
    } else {
      pin.setLatLng([lat, lon]);
    }
    map.panTo([lat, lon]);
  }

  function locate() {
    if (!navigator.geolocation) return setLocation(null, null, msg('msgLocationError'));
    document.getElementById('location-status').textContent = msg('msgLocating');
    navigator.geolocation.getCurrentPosition(function (pos) {
      setLocation(pos.coords.latitude, pos.coords.longitude, msg('msgLocated'));
    }, function () {
      document.getElementById('location-status').textContent = msg('msgLocationError');
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function openMap(button) {
    var el = document.getElementById('report-map');
    var here = current();
    map = pin = null;
    button.hidden = true;
    window.cdtdMap(el, here, here ? 17 : 13).then(function (m) {
      map = m;
      if (here) placePin(here[0], here[1]);
      map.on('click', function (e) { setLocation(e.latlng.lat, e.latlng.lng, msg('msgLocated')); });
    }, function () { button.hidden = false; });
  }

  // --- extra questions ------------------------------------------------------------------
  function syncQuestions() {
    var picked = form().querySelector('input[name=category]:checked');
    form().querySelectorAll('fieldset[data-category]').forEach(function (fs) {
      var on = !!picked && fs.dataset.category === picked.value;
      fs.hidden = !on;
      fs.disabled = !on;
    });
  }

  function init() {
    if (!form()) return;
    form().querySelectorAll('[data-js-only]').forEach(function (el) { el.hidden = false; });
    syncQuestions();
  }

  document.addEventListener('change', function (e) {
    if (!form() || !form().contains(e.target)) return;
    if (e.target.name === 'category') syncQuestions();
    if (e.target.name === 'remove_photo') showPreviews();
    if (canReplaceFiles && e.target.matches('input[type=file][data-resize]')) onFiles(e.target);
  });
  document.addEventListener('click', function (e) {
    var t = e.target.closest && e.target.closest('[data-locate], [data-map-open], [data-clear-location]');
    if (!t || !form() || !form().contains(t)) return;
    if (t.hasAttribute('data-locate')) locate();
    else if (t.hasAttribute('data-map-open')) openMap(t);
    else setLocation(null, null, '');
  });
  // A report kept for later (offline) clears the form: forget its photos too, once the
  // browser has reset the fields.
  document.addEventListener('reset', function (e) {
    if (!form() || e.target !== form()) return;
    setTimeout(function () {
      chosen = new WeakMap();
      showPreviews();
      syncQuestions();
    });
  });
  // Enter in the ward search must not send the whole report.
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && e.target.id === 'ward-search') e.preventDefault();
  });
  document.addEventListener('DOMContentLoaded', init);
  document.addEventListener('htmx:load', function () { if (form()) syncQuestions(); });
  if (document.readyState !== 'loading') init();
}());
