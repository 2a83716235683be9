/* Push opt-in for this device (the #push-optin section). Without push support the section
   stays hidden; the in-app inbox works either way. */
(function () {
  'use strict';
  if (window.cdtdPush) return;
  window.cdtdPush = true;

  function box() { return document.getElementById('push-optin'); }
  function supported() {
    return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRFToken'] || ''; }
    catch (e) { return ''; }
  }
  function say(el, name) { el.querySelector('[data-push-status]').textContent = el.dataset[name] || ''; }
  function showState(el, subscribed) {
    el.querySelector('[data-push-on]').hidden = subscribed;
    el.querySelector('[data-push-off]').hidden = !subscribed;
  }
  function keyBytes(b64) {
    var s = atob((b64 + '==='.slice((b64.length + 3) % 4)).replace(/-/g, '+').replace(/_/g, '/'));
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  function sameKey(sub, key) {
    var current = sub.options && sub.options.applicationServerKey;
    if (!current) return true;
    var a = new Uint8Array(current);
    if (a.length !== key.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== key[i]) return false;
    return true;
  }
  function post(url, body) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRFToken': csrf()},
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok && r.status !== 404) throw new Error('HTTP ' + r.status);
      return r;
    });
  }
  // The service worker is registered by the app's own script; wait for it, or register it here.
  function registration() {
    return navigator.serviceWorker.getRegistration().then(function (reg) {
      return reg || navigator.serviceWorker.register('/sw.js');
    }).then(function () { return navigator.serviceWorker.ready; });
  }

  function turnOn(el) {
    var key = keyBytes(el.dataset.key);
    Notification.requestPermission().then(function (permission) {
      if (permission !== 'granted') { say(el, 'msgDenied'); return null; }
      return registration().then(function (reg) {
        return reg.pushManager.getSubscription().then(function (sub) {
          // A subscription made with an older server key can no longer be used.
          if (sub && !sameKey(sub, key)) return sub.unsubscribe().then(function () { return null; });
          return sub;
        }).then(function (sub) {
          return sub || reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key});
        });
      }).then(function (sub) {
        return post(el.dataset.subscribeUrl, sub.toJSON()).then(function () {
          showState(el, true);
          say(el, 'msgOn');
        });
      });
    }).catch(function () { say(el, 'msgFailed'); });
  }

  function turnOff(el) {
    registration().then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
      if (!sub) return null;
      return post(el.dataset.unsubscribeUrl, {endpoint: sub.endpoint}).then(function () {
        return sub.unsubscribe();
      });
    }).then(function () {
      showState(el, false);
      say(el, 'msgOff');
    }).catch(function () { say(el, 'msgFailed'); });
  }

  function init() {
    var el = box();
    if (!el || el.dataset.pushReady || !supported()) return;
    el.dataset.pushReady = '1';
    el.hidden = false;
    if (Notification.permission === 'denied') { say(el, 'msgDenied'); return; }
    navigator.serviceWorker.getRegistration().then(function (reg) {
      return reg ? reg.pushManager.getSubscription() : null;
    }).then(function (sub) {
      showState(el, !!sub);
      // Tell the server again: it may have dropped the row, or another account logged in here.
      if (sub && Notification.permission === 'granted') post(el.dataset.subscribeUrl, sub.toJSON());
    }).catch(function () { showState(el, false); });
  }

  document.addEventListener('click', function (e) {
    var t = e.target.closest && e.target.closest('[data-push-on], [data-push-off]');
    var el = box();
    if (!t || !el || !el.contains(t)) return;
    if (t.hasAttribute('data-push-on')) turnOn(el); else turnOff(el);
  });
  document.addEventListener('DOMContentLoaded', init);
  document.addEventListener('htmx:load', init);
  if (document.readyState !== 'loading') init();
}());
