/* Service worker of Công dân Thủ đô số, rendered by app/pwa/routes.py so that it names the
   content-hashed static files. Pages: network first, the stored copy or the offline page when
   the network fails. Versioned static files: cache first. Nothing the server marks
   `Cache-Control: no-store` or `private` (everything rendered for a logged-in user) and
   nothing but a GET is ever stored. A report form posted while the network fails is kept in the offline
   queue and sent later (Background Sync where the browser has it). */
'use strict';

var VERSION = {{ version|tojson }};
var STATIC_CACHE = 'cdtd-static-' + VERSION;
var PAGES_CACHE = 'cdtd-pages-' + VERSION;
var PRECACHE = {{ precache|tojson }};
var OFFLINE_URL = {{ offline_url|tojson }};
var LOGOUT_URLS = [{{ url_for('auth.logout')|tojson }}, {{ url_for('account.logout_everywhere')|tojson }}];
var PAGES_KEPT = 40;

importScripts({{ queue_script|tojson }}, {{ push_script|tojson }});
self.cdtdQueue.urls.report = {{ url_for('reports.new_report')|tojson }};
self.cdtdQueue.urls.token = {{ url_for('pwa.csrf_token')|tojson }};

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) {
    return cache.addAll(PRECACHE);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf('cdtd-') === 0 && name !== STATIC_CACHE && name !== PAGES_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// A shared phone must not show one person's pages to the next: the server marks every
// response made for a logged-in user, whatever its address, and such a response is never kept.
function cacheDirectives(response) {
  return (response.headers.get('Cache-Control') || '').toLowerCase().split(',').map(function (d) {
    return d.split('=')[0].trim();
  });
}

function storable(response) {
  var directives = cacheDirectives(response);
  return response.status === 200 && response.type === 'basic' && !response.redirected &&
    directives.indexOf('no-store') === -1 && directives.indexOf('private') === -1;
}

function trim(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(0, keys.length - PAGES_KEPT)).map(function (key) {
      return cache.delete(key);
    }));
  });
}

function page(event) {
  var url = event.request.url;
  return fetch(event.request).then(function (response) {
    if (storable(response)) {
      var copy = response.clone();
      event.waitUntil(caches.open(PAGES_CACHE).then(function (cache) {
        return cache.put(url, copy).then(function () { return trim(cache); });
      }));
    }
    return response;
  }).catch(function () {
    return caches.match(url, { cacheName: PAGES_CACHE, ignoreVary: true }).then(function (hit) {
      return hit || caches.match(OFFLINE_URL, { cacheName: STATIC_CACHE, ignoreVary: true });
    });
  });
}

function versioned(event) {
  return caches.match(event.request, { ignoreVary: true }).then(function (hit) {
    return hit || fetch(event.request).then(function (response) {
      if (storable(response)) {
        var copy = response.clone();
        event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) {
          return cache.put(event.request, copy);
        }));
      }
      return response;
    });
  });
}

// The page's own script queues a report when the phone knows it is offline; this catches
// the rest (a connection that drops while the form is being sent).
function postReport(event) {
  var copy = event.request.clone();
  return fetch(event.request).catch(function () {
    return Promise.all([copy.formData(), self.cdtdQueue.getAccount()]).then(function (got) {
      return self.cdtdQueue.put(self.cdtdQueue.fromFormData(got[0], '', got[1]));
    }).then(function () {
      self.cdtdQueue.requestSync();
      return Response.redirect(OFFLINE_URL + '?saved=1', 303);
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== 'GET') {
    if (request.method === 'POST' && request.mode === 'navigate' &&
        url.pathname === self.cdtdQueue.urls.report) {
      event.respondWith(postReport(event));
    } else if (LOGOUT_URLS.indexOf(url.pathname) !== -1) {
      event.waitUntil(caches.delete(PAGES_CACHE));
    }
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(page(event));
  } else if (url.pathname.indexOf('/static/') === 0 && url.searchParams.has('v')) {
    event.respondWith(versioned(event));
  }
});

function sendQueue() {
  return self.cdtdQueue.sendAll(false);
}

self.addEventListener('sync', function (event) {
  if (event.tag !== self.cdtdQueue.SYNC_TAG) return;
  // Still offline: fail, so that the browser tries again later.
  event.waitUntil(sendQueue().then(function (counts) {
    if (counts.waiting) throw new Error('reports still waiting');
  }));
});

self.addEventListener('message', function (event) {
  if (event.data === 'send-queue') event.waitUntil(sendQueue());
  if (event.data && event.data.type === 'account' && typeof event.data.account === 'string') {
    event.waitUntil(self.cdtdQueue.setAccount(event.data.account));
  }
});
