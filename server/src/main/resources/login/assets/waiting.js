'use strict';
// The asking browser: a login request, its number shown and its phone link offered, polled with the secret only
// this page holds until the phone answers (a poll as often as the server's Retry-After says; the secret goes in a
// header, never in the URL, which is why this polls rather than opening an EventSource); an expired request is
// replaced by a new one.
(function () {
  const section = document.querySelector('[data-login-waiting]');
  const number = section.querySelector('[data-login-number]');
  const link = section.querySelector('[data-login-request]');
  const status = section.querySelector('[data-login-status]');
  let current = null;

  function say(text, state) {
    status.textContent = text;
    status.dataset.status = state;
  }

  async function json(response) {
    const body = await response.json();
    if (!response.ok) {
      throw new Error(body.detail || response.statusText);
    }
    return body;
  }

  async function start() {
    current = await json(await fetch('/login/requests', {method: 'POST', headers: {'Content-Type':
        'application/json', 'Accept': 'application/json'}, body: JSON.stringify({application:
        section.dataset.application})}));
    number.textContent = String(current.number);
    link.textContent = current.loginRequest;
    link.href = current.loginRequest;
    link.dataset.loginRequest = current.loginRequest;
    say('Waiting for your phone…', 'working');
  }

  // The server says how long to wait before the next poll (Retry-After, in seconds); a second when it says nothing.
  let pause = 1000;

  async function poll() {
    const response = await fetch('/login/requests/' + current.id + '/status', {headers: {'Accept':
        'application/json', 'Gatehouse-Login-Secret': current.secret}});
    const after = Number(response.headers.get('Retry-After'));
    pause = after > 0 ? after * 1000 : 1000;
    const answer = await json(response);
    if (answer.state === 'approved') {
      section.dataset.completionToken = answer.completionToken || '';
      say('Approved on your phone.', 'done');
      return false;
    }
    if (answer.state === 'denied') {
      say('Refused on the phone (' + answer.reason + '). Reload the page to try again.', 'refused');
      return false;
    }
    if (answer.state === 'expired') {
      await start();
    }
    return true;
  }

  async function run() {
    await start();
    while (await poll()) {
      await new Promise(resolve => setTimeout(resolve, pause));
    }
  }

  run().catch(e => say(e.message, 'refused'));
})();
