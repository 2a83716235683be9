/* The "waiting to send" list and the report form without a connection. The form, when the
   phone is offline, is kept in the queue instead of posted; the list shows what waits and
   why, sends it when the connection returns, on page load or on "Send now". Texts come from
   data-msg-* attributes of the [data-pwa-queue] box (templates/pwa/_queue.html). Only the
   reports of the account logged in are shown (the page's data-account; on the offline page,
   which has none, the account a page last saw). */
(function () {
  'use strict';
  var Q = window.cdtdQueue;
  if (!Q || window.cdtdOfflineReports) return;
  window.cdtdOfflineReports = true;

  function box() { return document.querySelector('[data-pwa-queue]'); }

  // The page's own account if it says (every page but the offline one), else the last seen.
  function account() {
    var el = document.querySelector('[data-account]');
    return el ? Promise.resolve(el.dataset.account) : Q.getAccount();
  }

  function mine() {
    return account().then(Q.mine);
  }

  function msg(name, code) {
    var el = box();
    return ((el && el.dataset[name]) || '').replace('{code}', code || '');
  }

  function say(text) {
    var el = box();
    if (el) el.querySelector('[data-queue-status]').textContent = text;
  }

  function stateText(item) {
    if (item.state === 'login') return msg('msgLogin');
    if (item.state === 'invalid') return msg('msgInvalid');
    if (item.state === 'error') return msg('msgError', item.code);
    return navigator.onLine === false ? msg('msgOffline') : msg('msgWaiting');
  }

  function button(text, action, id) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'link';
    b.textContent = text;
    b.dataset.queueAction = action;
    b.dataset.queueId = id;
    return b;
  }

  function render() {
    var el = box();
    if (!el) return Promise.resolve();
    return mine().then(function (items) {
      var list = el.querySelector('[data-queue-list]');
      list.textContent = '';
      items.forEach(function (item) {
        var li = document.createElement('li');
        li.className = 'queue-item';
        li.dataset.state = item.state;
        var title = document.createElement('strong');
        title.textContent = item.title || msg('msgUntitled');
        var when = document.createElement('time');
        when.dateTime = new Date(item.savedAt).toISOString();
        when.textContent = new Date(item.savedAt).toLocaleString(document.documentElement.lang || undefined);
        var summary = document.createElement('p');
        summary.textContent = item.summary;
        var state = document.createElement('p');
        state.className = 'queue-state';
        state.textContent = stateText(item);
        li.append(title, ' · ', when, summary, state);
        if (item.state === 'invalid') li.append(button(msg('msgOpen'), 'open', item.id), ' ');
        li.append(button(msg('msgDelete'), 'delete', item.id));
        list.appendChild(li);
      });
      el.querySelector('[data-queue-panel]').hidden = items.length === 0;
    });
  }

  function send(everything) {
    if (navigator.onLine === false) return render();
    return Q.sendAll(everything).then(function (counts) {
      if (counts.sent) say(msg('msgSent'));
      else if (everything && counts.failed) say(msg('msgNotSent'));
      return render();
    }, function () { say(msg('msgNotSent')); });
  }

  // A report the server wanted changed goes back into the real form: a plain post of the
  // saved fields and photos, which the server answers with the form and its explanations.
  function openInForm(item) {
    Q.token().then(function (csrf) {
      var form = document.createElement('form');
      form.method = 'post';
      form.action = Q.urls.report;
      form.enctype = 'multipart/form-data';
      form.hidden = true;
      item.fields.concat([['csrf_token', csrf]]).forEach(function (f) {
        var input = document.createElement('input');
        input.type = 'hidden';
        input.name = f[0];
        input.value = f[1];
        form.appendChild(input);
      });
      var photos = new DataTransfer();
      item.files.forEach(function (f) {
        photos.items.add(new File([f.blob], f.filename, { type: f.blob.type }));
      });
      var input = document.createElement('input');
      input.type = 'file';
      input.name = 'photos';
      input.multiple = true;
      input.files = photos.files;
      form.appendChild(input);
      document.body.appendChild(form);
      form.submit();
    }, function () { say(msg('msgNotSent')); });
  }

  function find(id) {
    return mine().then(function (items) {
      return items.filter(function (i) { return i.id === id; })[0];
    });
  }

  document.addEventListener('click', function (e) {
    var t = e.target.closest && e.target.closest('[data-queue-send], [data-queue-action]');
    if (!t || !box() || !box().contains(t)) return;
    if (t.hasAttribute('data-queue-send')) {
      send(true);
      return;
    }
    find(t.dataset.queueId).then(function (item) {
      if (!item) return render();
      if (t.dataset.queueAction === 'open') return openInForm(item);
      if (window.confirm(msg('msgConfirmDelete'))) return Q.remove(item.id).then(render);
    });
  });

  // A form page kept by the worker may carry the submission id of a report already sent,
  // and the server would answer a new report under that id with the old one: ids once
  // posted from this phone are not used again.
  var USED = 'cdtd-used-submissions';

  function usedIds() {
    try { return JSON.parse(localStorage.getItem(USED)) || []; } catch (e) { return []; }
  }

  function markUsed(id) {
    var ids = usedIds().filter(function (x) { return x !== id; }).concat([id]).slice(-50);
    try { localStorage.setItem(USED, JSON.stringify(ids)); } catch (e) { /* storage off: nothing to remember */ }
  }

  function idInput() { return document.querySelector('#report-form input[name=submission_id]'); }

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form.id !== 'report-form') return;
    if (navigator.onLine !== false) {
      var id = idInput().value;
      markUsed(id);
      // Sent from the form again (after "Open in the form"): the queued copy is sent too and
      // the server recognises it by its submission id.
      find(id).then(function (item) {
        if (item && item.state !== 'waiting') { item.state = 'waiting'; Q.put(item); }
      });
      return;
    }
    // Nothing left the phone, so a new id is safe, and each report saved here is a new one.
    e.preventDefault();
    idInput().value = Q.newId();
    var data = new FormData(form);
    var checked = form.querySelector('input[name=category]:checked');
    var label = checked && checked.closest('label');
    account().then(function (owner) {
      return Q.put(Q.fromFormData(data, label ? label.textContent.trim() : '', owner));
    }).then(function () {
      form.reset();
      idInput().value = Q.newId();
      say(msg('msgQueued'));
      Q.requestSync();
      return render().then(function () { box().scrollIntoView(); });
    }, function () { say(msg('msgNotSaved')); });
  });

  function start() {
    if (!box()) return;
    Q.urls.report = box().dataset.reportUrl || Q.urls.report;
    Q.urls.token = box().dataset.tokenUrl || Q.urls.token;
    if (idInput() && usedIds().indexOf(idInput().value) !== -1) idInput().value = Q.newId();
    if (/[?&]saved=1/.test(window.location.search)) say(msg('msgQueued'));
    var el = document.querySelector('[data-account]');
    (el ? Q.setAccount(el.dataset.account) : Promise.resolve()).then(function () { send(false); });
  }

  if (typeof BroadcastChannel !== 'undefined') {
    new BroadcastChannel(Q.CHANNEL).onmessage = function () { render(); };
  }
  window.addEventListener('online', function () { send(false); });
  window.addEventListener('offline', render);
  document.addEventListener('htmx:load', function (e) {
    if (e.target === document.body || (box() && e.target.contains(box()))) start();
  });
  start();
}());
