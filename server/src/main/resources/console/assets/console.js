'use strict';
// What every console page shares: htmx requests carry the session's CSRF token, and times are shown in the
// browser's time zone (the page carries them as ISO-8601 instants in <time datetime>).
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]');

  document.body.addEventListener('htmx:configRequest', event => {
    if (csrf && csrf.content) {
      event.detail.headers['X-CSRF-Token'] = csrf.content;
    }
  });

  const format = new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'medium'});

  function localTimes(root) {
    root.querySelectorAll('time[datetime]:not([data-zone])').forEach(time => {
      const instant = new Date(time.getAttribute('datetime'));
      if (!isNaN(instant)) {
        time.textContent = format.format(instant);
        time.title = time.getAttribute('datetime');
      }
    });
  }

  localTimes(document);
  document.body.addEventListener('htmx:afterSwap', event => localTimes(event.detail.target));
  window.GatehouseConsole = Object.freeze({localTimes});
})();
