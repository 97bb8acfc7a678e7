'use strict';
// The Overview's live feed: door decisions as the server commits them (server-sent events). Every value is set as
// text, never as markup. The browser reconnects by itself and resumes after the last record it saw.
(function () {
  const list = document.querySelector('[data-feed]');
  const status = document.querySelector('[data-feed-status]');
  if (!list || !window.EventSource) {
    return;
  }
  const MAX_ITEMS = 50;
  const source = new EventSource(list.dataset.feed);

  function badge(result) {
    const span = document.createElement('span');
    span.className = 'badge ' + (result === 'grant' ? 'granted' : 'denied');
    span.textContent = result === 'grant' ? 'granted' : 'denied';
    return span;
  }

  source.addEventListener('open', () => { status.textContent = 'Live.'; });
  source.addEventListener('error', () => { status.textContent = 'Reconnecting…'; });
  source.addEventListener('message', event => {
    const record = JSON.parse(event.data);
    const item = document.createElement('li');
    item.dataset.record = String(record.id);
    const time = document.createElement('time');
    time.setAttribute('datetime', record.time);
    time.textContent = record.time;
    const door = document.createElement('span');
    door.className = 'mono';
    door.textContent = record.door || '';
    item.append(time, ' ', badge(record.result), ' ', door);
    if (record.reason) {
      item.append(' ' + record.reason);
    }
    list.prepend(item);
    while (list.children.length > MAX_ITEMS) {
      list.lastElementChild.remove();
    }
    if (window.GatehouseConsole) {
      window.GatehouseConsole.localTimes(item);
    }
  });
})();
