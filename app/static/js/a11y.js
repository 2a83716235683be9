/* Keyboard and screen reader users keep their place after a scripted change (WCAG 2.4.3, 4.1.3).
   After an htmx swap, focus moves to [data-focus] in the new content and its [data-announce] text
   is read from the one live region of base.html (#a11y-status). In a [data-keep-focus] list, a
   button whose click removes it hands focus to the button now in its place, else to the one
   before, else to the element the attribute names. Without this script the pages work the same. */
(function () {
  'use strict';
  function say(text) {
    var box = document.getElementById('a11y-status');
    if (!box || !text) return;
    box.textContent = '';
    // A new text node, so the same words twice are read twice.
    requestAnimationFrame(function () { box.textContent = text; });
  }
  document.addEventListener('htmx:afterSettle', function (e) {
    if (e.detail.boosted) return; // a whole page: it starts at its top, as after a load
    var box = e.target;
    function find(sel) { return box.matches(sel) ? box : box.querySelector(sel); }
    var note = find('[data-announce]');
    var next = find('[data-focus]');
    if (note) say(note.getAttribute('data-announce'));
    if (next) {
      if (next.tabIndex < 0) next.setAttribute('tabindex', '-1');
      next.focus();
    }
  });
  var list = null, at = -1;
  document.addEventListener('click', function (e) {
    list = e.target.closest && e.target.closest('[data-keep-focus]');
    if (list) at = [].indexOf.call(list.querySelectorAll('button'), e.target.closest('button'));
  }, true);
  document.addEventListener('click', function (e) {
    if (!list || at < 0 || e.target.isConnected) return;
    var buttons = list.querySelectorAll('button'), other = list.getAttribute('data-keep-focus');
    var next = buttons[Math.min(at, buttons.length - 1)] || (other && document.querySelector(other));
    if (next) next.focus();
  });
}());
