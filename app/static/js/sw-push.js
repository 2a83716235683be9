/* Web Push in the service worker: importScripts('/static/js/sw-push.js') from /sw.js, or inline.
   The payload is {title, body, url, tag}, encrypted by the server (app/push/services.py). */
self.addEventListener('push', function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || 'Công dân Thủ đô số', {
    body: data.body || '',
    icon: '/static/icons/icon-192.png',
    tag: data.tag,
    renotify: !!data.tag,
    data: {url: data.url || '/notifications'}
  }));
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || '/notifications',
                       self.location.origin);
  // Only ever open pages of this app.
  if (target.origin !== self.location.origin) target = new URL('/notifications', self.location.origin);
  event.waitUntil(self.clients.matchAll({type: 'window', includeUncontrolled: true}).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].url === target.href && 'focus' in list[i]) return list[i].focus();
    }
    return self.clients.openWindow(target.href);
  }));
});
