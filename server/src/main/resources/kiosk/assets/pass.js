'use strict';
// A visitor's phone: binds the pass with a new passkey, and trades a user-verified assertion for a door code.
(function () {
  const webauthn = window.GatehouseWebAuthn;
  const status = document.querySelector('[data-pass-status]');

  function say(text, state) {
    status.textContent = text;
    status.setAttribute('data-status', state);
  }

  const bind = document.querySelector('[data-pass-bind]');
  if (bind) {
    const token = bind.getAttribute('data-pass-bind');
    const button = document.querySelector('[data-pass-bind-button]');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        say('Waiting for your phone…', 'working');
        const options = await webauthn.post('/pass/bind/' + token + '/options', {});
        const credential = await webauthn.create(options.publicKey);
        const bound = await webauthn.post('/pass/bind/' + token, {ceremonyId: options.ceremonyId, credential});
        say('This phone is bound to your pass.', 'done');
        bind.setAttribute('data-bound', bound.visitorId ? 'true' : 'false');
      } catch (e) {
        say('Not bound: ' + e.message, 'refused');
        button.disabled = false;
      }
    });
  }

  const code = document.querySelector('[data-pass-door-code]');
  if (code) {
    const handle = code.getAttribute('data-pass-door-code');
    const button = document.querySelector('[data-pass-code-button]');
    const shown = document.querySelector('[data-pass-code]');
    const image = document.querySelector('[data-pass-code-image]');
    const until = document.querySelector('[data-pass-code-until]');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        say('Waiting for your phone…', 'working');
        const options = await webauthn.post('/pass/' + handle + '/door-code/options', {});
        const credential = await webauthn.get(options.publicKey);
        const minted = await webauthn.post('/pass/' + handle + '/door-code', {ceremonyId: options.ceremonyId, credential});
        image.src = URL.createObjectURL(new Blob([minted.qrSvg], {type: 'image/svg+xml'}));
        image.setAttribute('data-payload', minted.payload);
        until.setAttribute('datetime', minted.expiresAt);
        until.textContent = new Date(minted.expiresAt).toLocaleTimeString();
        shown.hidden = false;
        say('Show this code to the door.', 'done');
      } catch (e) {
        say('No code: ' + e.message, 'refused');
      }
      button.disabled = false;
    });
  }
})();
