/* The report form, enhanced: photos resized in the browser before upload, location from
   GPS or a map pin the citizen can drag, tap or move with the arrow keys (the ward select
   follows the pin), the photo's own GPS position offered as the place, extra questions of the
   chosen category only. The form works without it. */
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
  var PIN_STEP = 10; // pixels an arrow key moves the pin (×5 with Shift)
  var wardAsked = 0;

  function fmt(name, key, value) { return msg(name).replace('%(' + key + ')s', value); }

  // The ward the server takes a point to be in (nearest known ward centre), or null.
  function nearestWard(lat, lon) {
    // Offline (the report waits in the queue) the ward stays as chosen.
    if (navigator.onLine === false) return Promise.resolve(null);
    var url = form().dataset.nearestUrl + '?lat=' + lat.toFixed(6) + '&lon=' + lon.toFixed(6);
    return fetch(url, { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
  }

  function chooseWard(ward) {
    var select = document.getElementById('ward');
    if (!select.querySelector('option[value="' + ward.id + '"]')) {
      // The ward search may have narrowed the list: the nearest ward joins it.
      var option = document.createElement('option');
      option.value = ward.id;
      option.textContent = ward.name;
      select.appendChild(option);
    }
    if (select.value === String(ward.id)) return;
    select.value = String(ward.id);
    select.dispatchEvent(new Event('change', { bubbles: true }));
  }

  function clearWard() {
    var select = document.getElementById('ward');
    var empty = select.querySelector('option[value=""]');
    if (!empty) {
      empty = document.createElement('option');
      empty.value = '';
      empty.textContent = msg('msgChoose');
      select.insertBefore(empty, select.firstChild);
    }
    if (select.value === '') return;
    select.value = '';
    select.dispatchEvent(new Event('change', { bubbles: true }));
  }

  // The pin moved: the ward select follows it when the server knows the ward of that point.
  function followWard(lat, lon, text) {
    var mine = ++wardAsked;
    nearestWard(lat, lon).then(function (answer) {
      if (mine !== wardAsked || !answer) return;
      var status = document.getElementById('location-status');
      if (!answer.in_hanoi) {
        status.textContent = text + ' ' + msg('msgOutside');
      } else if (answer.ward) {
        chooseWard(answer.ward);
        status.textContent = text + ' ' + fmt('msgWard', 'ward', answer.ward.name);
      } else {
        // No known ward near the pin: the ward chosen before would be a silent guess.
        clearWard();
        status.textContent = text + ' ' + msg('msgNoWard');
      }
    });
  }

  function setLocation(lat, lon, text) {
    var latInput = document.getElementById('lat');
    latInput.value = lat === null ? '' : lat.toFixed(6);
    document.getElementById('lon').value = lon === null ? '' : lon.toFixed(6);
    document.getElementById('location-status').textContent = text;
    if (map && lat !== null) placePin(lat, lon);
    if (map && lat === null && pin) { map.removeLayer(pin); pin = null; }
    latInput.dispatchEvent(new Event('change', { bubbles: true }));
    if (lat !== null) followWard(lat, lon, text);
    else wardAsked++;
  }

  function current() {
    var lat = parseFloat(document.getElementById('lat').value);
    var lon = parseFloat(document.getElementById('lon').value);
    return isNaN(lat) || isNaN(lon) ? null : [lat, lon];
  }

  // Arrow keys on the focused pin move it a few metres; the page does not scroll meanwhile.
  function onPinKey(e) {
    var step = PIN_STEP * (e.shiftKey ? 5 : 1);
    var move = { ArrowUp: [0, -step], ArrowDown: [0, step], ArrowLeft: [-step, 0], ArrowRight: [step, 0] }[e.key];
    if (!move || !pin) return;
    e.preventDefault();
    e.stopPropagation();
    var at = map.latLngToContainerPoint(pin.getLatLng());
    var to = map.containerPointToLatLng([at.x + move[0], at.y + move[1]]);
    setLocation(to.lat, to.lng, msg('msgLocated'));
  }

  function placePin(lat, lon) {
    if (!pin) {
      pin = window.L.marker([lat, lon], {
        draggable: true, keyboard: true, title: msg('msgPin'), alt: msg('msgPin'), autoPanOnFocus: false
      }).addTo(map);
      pin.on('dragend', function () {
        var p = pin.getLatLng();
        setLocation(p.lat, p.lng, msg('msgLocated'));
      });
      pin.getElement().addEventListener('keydown', onPinKey);
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
    button.setAttribute('aria-busy', 'true');
    window.cdtdMap(el, here, here ? 17 : 13).then(function (m) {
      map = m;
      button.removeAttribute('aria-busy');
      button.hidden = true;
      form().querySelectorAll('[data-map-tool]').forEach(function (t) { t.hidden = false; });
      if (here) placePin(here[0], here[1]);
      map.on('click', function (e) { setLocation(e.latlng.lat, e.latlng.lng, msg('msgLocated')); });
      // The button that had the focus is gone: the map takes it.
      el.focus();
    }, function () { button.removeAttribute('aria-busy'); });
  }

  // --- the photo's own place (EXIF GPS), read on the phone and only offered ---------------
  var photoPlace = null;

  var JPEG = /^image\/jpeg$|\.jpe?g$/i;

  // Whether a JPEG has an EXIF block at all, from its first segments: the reader (45 KB) is
  // not fetched for photos that cannot carry a position (screenshots, edited pictures).
  function hasExif(file) {
    if (!JPEG.test(file.type) && !JPEG.test(file.name)) return Promise.resolve(true);
    return file.slice(0, 131072).arrayBuffer().then(function (buf) {
      var b = new Uint8Array(buf);
      if (b[0] !== 0xFF || b[1] !== 0xD8) return false;
      for (var i = 2; i + 10 < b.length && b[i] === 0xFF;) {
        var marker = b[i + 1];
        if (marker === 0xDA) return false; // the image data starts: no more metadata
        if (marker === 0xE1 && String.fromCharCode.apply(null, b.subarray(i + 4, i + 8)) === 'Exif') return true;
        i += 2 + (b[i + 2] << 8 | b[i + 3]);
      }
      return false;
    }, function () { return true; });
  }

  function readPlace(file) {
    if (!/^image\/(jpeg|heic|heif|tiff)$/.test(file.type) && !/\.(jpe?g|heic|heif|tiff?)$/i.test(file.name)) {
      return Promise.resolve(null);
    }
    return hasExif(file).then(function (exif) {
      return exif ? window.cdtdLoadScript(form().dataset.exifJs) : Promise.reject(new Error('no exif'));
    })
      .then(function () { return window.exifr.gps(file); })
      .then(function (gps) {
        var ok = gps && isFinite(gps.latitude) && isFinite(gps.longitude) &&
          !(gps.latitude === 0 && gps.longitude === 0);
        return ok ? [gps.latitude, gps.longitude] : null;
      })
      .catch(function () { return null; });
  }

  // The first picked photo with a position inside Hanoi is offered as the report's place.
  function offerPlace(files) {
    // Offline there is no reader to load nor ward to name: nothing is offered.
    if (!window.cdtdLoadScript || !files.length || navigator.onLine === false) return;
    Promise.all(files.map(readPlace)).then(function (places) {
      var place = places.filter(Boolean)[0];
      if (!place) return;
      return nearestWard(place[0], place[1]).then(function (answer) {
        if (!answer || !answer.in_hanoi) return;
        photoPlace = place;
        var box = form().querySelector('[data-photo-place]');
        var text = document.getElementById('photo-place-text');
        text.textContent = answer.ward ? fmt('msgPhotoPlace', 'place', answer.ward.name) : '';
        box.querySelector('[data-photo-place-action]').hidden = false;
        box.hidden = false;
      });
    });
  }

  function usePhotoPlace(button) {
    if (!photoPlace) return;
    setLocation(photoPlace[0], photoPlace[1], msg('msgPhotoPlaceUsed'));
    if (map) map.panTo(photoPlace);
    photoPlace = null;
    var text = document.getElementById('photo-place-text');
    text.textContent = msg('msgPhotoPlaceUsed');
    button.closest('[data-photo-place-action]').hidden = true;
    // The button is gone: the confirmation takes the focus.
    text.focus();
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
    if (e.target.matches('input[type=file][data-resize]')) {
      offerPlace(Array.prototype.slice.call(e.target.files));
      if (canReplaceFiles) onFiles(e.target);
    }
  });
  document.addEventListener('click', function (e) {
    var t = e.target.closest && e.target.closest(
      '[data-locate], [data-map-open], [data-clear-location], [data-pin-centre], [data-use-photo-place]');
    if (!t || !form() || !form().contains(t)) return;
    if (t.hasAttribute('data-locate')) locate();
    else if (t.hasAttribute('data-map-open')) openMap(t);
    else if (t.hasAttribute('data-pin-centre')) {
      if (map) setLocation(map.getCenter().lat, map.getCenter().lng, msg('msgLocated'));
    } else if (t.hasAttribute('data-use-photo-place')) usePhotoPlace(t);
    else setLocation(null, null, '');
  });
  // A report kept for later (offline) clears the form: forget its photos too, once the
  // browser has reset the fields.
  document.addEventListener('reset', function (e) {
    if (!form() || e.target !== form()) return;
    setTimeout(function () {
      chosen = new WeakMap();
      photoPlace = null;
      form().querySelector('[data-photo-place]').hidden = true;
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
