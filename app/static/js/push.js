/* Push opt-in for this device (the #push-optin section), and opt-out at logout. Without push
   support the section stays hidden; the in-app inbox works either way. A subscription is
   this browser's: the server never moves it to another account (409), so when someone else
   logs in here the old one is dropped and, if they opt in, a new one is made. */
(function () {
  'use strict';
  if (window.cdtdPush) return;
  window.cdtdPush = true;
  var UNSUBSCRIBE_URL = document.currentScript && document.currentScript.dataset.unsubscribeUrl;

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
  // Which account made this browser's subscription (the page's opaque account id).
  var OWNER = 'cdtd-push-account';
  function account() {
    var el = document.querySelector('[data-account]');
    return el ? el.dataset.account : '';
  }
  function owner(value) {
    try {
      if (value === undefined) return localStorage.getItem(OWNER);
      if (value) localStorage.setItem(OWNER, value); else localStorage.removeItem(OWNER);
    } catch (e) { /* storage off: the server's 409 still protects */ }
    return null;
  }
  function post(url, body) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRFToken': csrf()},
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok && r.status !== 404 && r.status !== 409) throw new Error('HTTP ' + r.status);
      return r;
    });
  }
  // Tell the server; a subscription it refuses as another account's is dropped here, and,
  // when `renew`, replaced by a new one for this account.
  function register(el, reg, sub, key, renew) {
    return post(el.dataset.subscribeUrl, sub.toJSON()).then(function (r) {
      if (r.status !== 409) { owner(account()); return true; }
      return sub.unsubscribe().then(function () {
        owner('');
        if (!renew) return false;
        return reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key}).then(function (fresh) {
          return register(el, reg, fresh, key, false);
        });
      });
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
        }).then(function (sub) {
          return register(el, reg, sub, key, true);
        });
      }).then(function (on) {
        if (!on) throw new Error('refused');
        showState(el, true);
        say(el, 'msgOn');
      });
    }).catch(function () { say(el, 'msgFailed'); });
  }

  function turnOff(el) {
    registration().then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
      if (!sub) return null;
      return post(el.dataset.unsubscribeUrl, {endpoint: sub.endpoint}).then(function () {
        owner('');
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
      return reg ? reg.pushManager.getSubscription().then(function (sub) {
        if (!sub) return false;
        var madeBy = owner();
        // Left behind by another account (its logout could not run): not this person's.
        if (madeBy && madeBy !== account()) return sub.unsubscribe().then(function () { owner(''); return false; });
        if (Notification.permission !== 'granted') return true;
        // Tell the server again (it may have dropped the row); it refuses another account's.
        return register(el, reg, sub, null, false);
      }) : false;
    }).then(function (on) { showState(el, !!on); }).catch(function () { showState(el, false); });
  }

  // Logging out takes this browser's subscription away (the server drops its row too, even
  // without this), so the next person on this phone never sees the previous one's news.
  function unsubscribeHere() {
    if (!supported()) return Promise.resolve();
    return navigator.serviceWorker.getRegistration().then(function (reg) {
      return reg ? reg.pushManager.getSubscription() : null;
    }).then(function (sub) {
      if (!sub) return null;
      return post(UNSUBSCRIBE_URL, {endpoint: sub.endpoint}).catch(function () { return null; }).then(function () {
        owner('');
        return sub.unsubscribe();
      });
    });
  }

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.matches || !form.matches('form[data-logout]') || form.dataset.pushDone) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    form.dataset.pushDone = '1';
    var done = false;
    function go() { if (!done) { done = true; form.submit(); } }
    // A push service that does not answer must not keep anyone logged in.
    setTimeout(go, 3000);
    unsubscribeHere().then(go, go);
  }, true);

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
