/* The installable app, on every page: registers the service worker, shows the install button
   when the browser offers it, loads the offline queue where a page shows it, and turns an
   htmx navigation that cannot reach the server into a real one (the worker answers it with
   the stored page or the offline page). Every page works without it. */
(function () {
  'use strict';
  if (window.cdtdPwa) return;
  window.cdtdPwa = true;

  var script = document.currentScript;
  var installPrompt = null;
  var queueLoading = false;

  function showInstall() {
    document.querySelectorAll('[data-install]').forEach(function (b) { b.hidden = !installPrompt; });
  }

  window.addEventListener('beforeinstallprompt', function (e) {
    e.preventDefault();
    installPrompt = e;
    showInstall();
  });
  window.addEventListener('appinstalled', function () {
    installPrompt = null;
    showInstall();
  });
  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('[data-install]');
    if (!button || !installPrompt) return;
    var offer = installPrompt;
    installPrompt = null;
    showInstall();
    offer.prompt();
  });

  // The queue's scripts, in order, only on pages that show the queue.
  function loadQueue() {
    var box = document.querySelector('[data-pwa-queue]');
    if (!box || queueLoading) return;
    queueLoading = true;
    (box.dataset.scripts || '').split(' ').filter(Boolean).reduce(function (previous, src) {
      return previous.then(function () {
        return new Promise(function (resolve, reject) {
          var s = document.createElement('script');
          s.src = src;
          s.onload = resolve;
          s.onerror = reject;
          document.head.appendChild(s);
        });
      });
    }, Promise.resolve()).catch(function () { queueLoading = false; });
  }

  // The worker and the offline page keep reports per account: tell the worker who is logged
  // in now ('' after a logout), so that the next person on this phone never sees them.
  function tellAccount() {
    var el = document.querySelector('[data-account]');
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (el && worker) worker.postMessage({ type: 'account', account: el.dataset.account });
  }

  // Pages without the queue ask the worker to send what waits (with the queue, the page does).
  function sendQueue() {
    if (document.querySelector('[data-pwa-queue]') || !navigator.onLine) return;
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) worker.postMessage('send-queue');
  }

  document.addEventListener('htmx:sendError', function (e) {
    var d = e.detail || {};
    if (d.boosted && d.requestConfig && d.requestConfig.verb === 'get' && d.pathInfo) {
      window.location.assign(d.pathInfo.requestPath);
    }
  });
  document.addEventListener('htmx:load', function (e) {
    showInstall();
    loadQueue();
    if (e.target === document.body) tellAccount();
  });
  window.addEventListener('online', sendQueue);
  window.addEventListener('load', function () {
    tellAccount();
    loadQueue();
    sendQueue();
  });
  // The worker's first install fetches and stores the precache: after the page has loaded and
  // the main thread is idle, so it never delays the page or blocks a tap (Lighthouse's TBT).
  if ('serviceWorker' in navigator && script && script.dataset.sw) {
    var register = function () { navigator.serviceWorker.register(script.dataset.sw, { scope: '/' }); };
    var whenIdle = function () {
      if (window.requestIdleCallback) window.requestIdleCallback(register, { timeout: 3000 });
      else window.setTimeout(register, 1);
    };
    if (document.readyState === 'complete') whenIdle();
    else window.addEventListener('load', whenIdle);
  }
}());
