'use strict';
// The console's passkey buttons: sign in, confirm again before a dangerous action, and register the first
// administrator's passkey through the bootstrap link. Each button names where its options come from
// (data-options) and where the answer goes (data-submit); the server answers where the browser goes next.
(function () {
  const {create, get, post} = window.GatehouseWebAuthn;

  function say(button, text, state) {
    const status = button.closest('section').querySelector('[data-passkey-status]');
    status.textContent = text;
    status.dataset.status = state;
  }

  async function assert(button) {
    const options = await post(button.dataset.options, {});
    let answer;
    try {
      answer = await get(options.publicKey);
    } catch (e) {
      throw new Error('Your device did not confirm with your fingerprint, face or PIN (' + e.name + ').');
    }
    return post(button.dataset.submit, {ceremonyId: options.ceremonyId, credential: answer});
  }

  async function register(button) {
    const username = document.getElementById('username').value;
    const options = await post(button.dataset.options, {username: username});
    let answer;
    try {
      answer = await create(options.publicKey);
    } catch (e) {
      throw new Error('This device did not make a passkey that checks your fingerprint, face or PIN (' + e.name
          + '). Gatehouse needs that check.');
    }
    return post(button.dataset.submit, {ceremonyId: options.ceremonyId, credential: answer,
      enrollment: options.enrollment});
  }

  document.querySelectorAll('[data-action="sign-in-passkey"], [data-action="verify-passkey"],'
      + ' [data-action="register-passkey"]').forEach(button => {
    button.addEventListener('click', () => {
      button.disabled = true;
      say(button, 'Waiting for your passkey…', 'working');
      const ceremony = button.dataset.action === 'register-passkey' ? register(button) : assert(button);
      ceremony.then(next => {
        say(button, 'Done. Opening the console…', 'done');
        location.assign(next.redirect);
      }).catch(e => {
        say(button, e.message, 'refused');
        button.disabled = false;
      });
    });
  });
})();
