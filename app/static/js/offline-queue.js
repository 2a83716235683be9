/* Reports filed without a connection wait in IndexedDB until they are sent. Shared by the
   pages that show the queue and by the service worker (Background Sync). Each report keeps
   its submission id, so sending it twice gives back the report already made, never a second
   one; sends run one at a time (Web Locks) across tabs and the worker.
   A phone may be shared: each report records the account that saved it (the page's opaque
   data-account id) and is shown and sent only while that account is logged in; after a
   logout it stays, hidden, for its owner. Reports saved before owners were recorded have
   none and are never sent. */
(function (root) {
  'use strict';
  if (root.cdtdQueue) return;

  var DB_NAME = 'cdtd-offline';
  var STORE = 'reports';
  var META = 'meta';
  var CHANNEL = 'cdtd-queue';
  var urls = { report: '/reports/new', token: '/csrf-token' };

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 2);
      req.onupgradeneeded = function () {
        var names = req.result.objectStoreNames;
        if (!names.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'id' });
        if (!names.contains(META)) req.result.createObjectStore(META);
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function run(mode, work, store) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store || STORE, mode);
        var req = work(tx.objectStore(store || STORE));
        tx.oncomplete = function () { db.close(); resolve(req.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  // Other tabs and the worker redraw their lists when the queue changes.
  function changed() {
    if (typeof BroadcastChannel === 'undefined') return;
    var channel = new BroadcastChannel(CHANNEL);
    channel.postMessage('changed');
    channel.close();
  }

  function all() {
    return run('readonly', function (s) { return s.getAll(); }).then(function (items) {
      return items.sort(function (a, b) { return a.savedAt - b.savedAt; });
    });
  }

  // Who is logged in, as last seen by a page of the app ('' after a logout): the offline page
  // and the worker have no account of their own to go by.
  function setAccount(account) {
    return run('readwrite', function (s) { return s.put(account || '', 'account'); }, META).then(changed);
  }

  function getAccount() {
    return run('readonly', function (s) { return s.get('account'); }, META).then(function (a) { return a || ''; });
  }

  // The reports of `account` only; none for a visitor.
  function mine(account) {
    return all().then(function (items) {
      return account ? items.filter(function (i) { return i.account === account; }) : [];
    });
  }

  function put(item) {
    return run('readwrite', function (s) { return s.put(item); }).then(changed);
  }

  function remove(id) {
    return run('readwrite', function (s) { return s.delete(id); }).then(changed);
  }

  function newId() {
    if (root.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)), function (b) {
      return ('0' + b.toString(16)).slice(-2);
    }).join('');
  }

  // The form as it would have been posted, minus the CSRF token (a fresh one is used when
  // sending) and empty file inputs; photos are the already resized Blobs.
  function fromFormData(data, title, account) {
    var fields = [];
    var files = [];
    data.forEach(function (value, name) {
      if (name === 'csrf_token' || name === 'q') return;
      if (typeof value === 'string') fields.push([name, value]);
      else if (value.size) files.push({ name: name, filename: value.name, blob: value });
    });
    var id = data.get('submission_id');
    if (!id) {
      id = newId();
      fields.push(['submission_id', id]);
    }
    return {
      id: id, account: account || '', savedAt: Date.now(), title: title || '',
      summary: String(data.get('description') || '').slice(0, 140),
      fields: fields, files: files, state: 'waiting', code: 0
    };
  }

  // A fresh CSRF token and who the server says is logged in ({token, account}).
  function session() {
    return fetch(urls.token, { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw { status: r.status };
      return r.json();
    });
  }

  function token() {
    return session().then(function (body) { return body.token; });
  }

  // One attempt: 'sent', 'waiting' (no connection), 'invalid' (the server wants changes) or
  // 'error' (with the HTTP status); 'login' is decided before, by sendAll.
  function sendOne(item, csrf) {
    return Promise.resolve().then(function () {
      var body = new FormData();
      item.fields.forEach(function (f) { body.append(f[0], f[1]); });
      item.files.forEach(function (f) { body.append(f.name, f.blob, f.filename); });
      body.append('csrf_token', csrf);
      return fetch(urls.report, {
        method: 'POST', body: body, credentials: 'same-origin', headers: { 'X-CSRFToken': csrf }
      });
    }).then(function (response) {
      // Success is the redirect to the report's page; a login redirect means a lost session.
      var path = new URL(response.url).pathname;
      if (response.ok && /\/reports\/\d+$/.test(path)) return { state: 'sent', url: response.url };
      if (response.ok && path.indexOf('/auth/') === 0) return { state: 'login' };
      if (response.status === 422) return { state: 'invalid', code: 422 };
      return { state: 'error', code: response.status };
    }, function () { return { state: 'waiting' }; });
  }

  // Send the waiting reports (or, when `everything`, also those that failed before) of the
  // account the server says is logged in, and only those. Logged out, the last account's
  // reports wait as 'login'. Resolves to counts: {sent, waiting, failed}.
  function sendAll(everything) {
    function job() {
      var counts = { sent: 0, waiting: 0, failed: 0 };
      var online = root.navigator.onLine !== false;
      var server = online ? session().catch(function (e) { return e && e.status ? { error: e.status } : null; })
        : Promise.resolve(null);
      return Promise.all([all(), server, getAccount()]).then(function (got) {
        var items = got[0], server = got[1], last = got[2];
        var owner = server && server.account ? server.account : last;
        var chain = Promise.resolve();
        items.forEach(function (item) {
          if (!item.account || item.account !== owner) return;
          if (!everything && item.state !== 'waiting') {
            counts.failed += 1;
            return;
          }
          chain = chain.then(function () {
            if (!server) return { state: 'waiting' };
            if (server.error) return { state: 'error', code: server.error };
            if (!server.account) return { state: 'login' };
            return sendOne(item, server.token);
          }).then(function (result) {
            if (result.state === 'sent') {
              counts.sent += 1;
              return remove(item.id);
            }
            counts[result.state === 'waiting' ? 'waiting' : 'failed'] += 1;
            item.state = result.state;
            item.code = result.code || 0;
            item.triedAt = Date.now();
            return put(item);
          });
        });
        return chain.then(function () { return counts; });
      });
    }
    var locks = root.navigator.locks;
    return locks ? locks.request('cdtd-send-reports', job) : job();
  }

  function requestSync() {
    var sw = root.registration || null;
    var ready = sw ? Promise.resolve(sw)
      : root.navigator.serviceWorker ? root.navigator.serviceWorker.ready : Promise.reject();
    return ready.then(function (reg) {
      return reg.sync ? reg.sync.register('cdtd-send-reports') : null;
    }).catch(function () { return null; });
  }

  root.cdtdQueue = {
    SYNC_TAG: 'cdtd-send-reports', CHANNEL: CHANNEL, urls: urls,
    all: all, mine: mine, put: put, remove: remove, newId: newId, fromFormData: fromFormData,
    setAccount: setAccount, getAccount: getAccount, token: token, sendAll: sendAll,
    requestSync: requestSync
  };
}(self));
