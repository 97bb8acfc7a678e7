'use strict';
// The phone's approval: the number picked goes with a user-verified passkey assertion; the server says whether it
// was the browser's number. One answer only: a wrong pick ends the request, so every button is disabled at once.
(function () {
  const {get, post} = window.GatehouseWebAuthn;
  const section = document.querySelector('[data-login-approval]');
  const status = section.querySelector('[data-login-status]');
  const buttons = section.querySelectorAll('[data-choice], [data-action="decline-login"]');

  function say(text, state) {
    status.textContent = text;
    status.dataset.status = state;
  }

  async function approve(number) {
    const options = await post(section.dataset.options, {});
    let answer;
    try {
      answer = await get(options.publicKey);
    } catch (e) {
      throw new Error('Your phone did not confirm with your fingerprint, face or PIN (' + e.name + ').');
    }
    return post(section.dataset.submit, {number: number, ceremonyId: options.ceremonyId, credential: answer});
  }

  section.querySelector('[data-action="decline-login"]').addEventListener('click', () => {
    buttons.forEach(b => { b.disabled = true; });
    post(section.dataset.decline, {}).then(() => {
      say('Refused. Nobody is signed in with this request.', 'done');
    }).catch(e => say(e.message, 'refused'));
  });

  section.querySelectorAll('[data-choice]').forEach(button => {
    button.addEventListener('click', () => {
      buttons.forEach(b => { b.disabled = true; });
      say('Waiting for your passkey…', 'working');
      approve(Number(button.dataset.choice)).then(approved => {
        say('Approved. You are signing in to ' + approved.application + ' in your browser.', 'done');
      }).catch(e => say(e.message, 'refused'));
    });
  });
})();
