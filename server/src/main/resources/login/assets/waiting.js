'use strict';
// The asking browser: a login request, its number shown and its phone link offered, polled with the secret only
// this page holds until the phone answers; an expired request is replaced by a new one.
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

  async function poll() {
    const answer = await json(await fetch('/login/requests/' + current.id + '/status', {headers: {'Accept':
        'application/json', 'Gatehouse-Login-Secret': current.secret}}));
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
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
  }

  run().catch(e => say(e.message, 'refused'));
})();
