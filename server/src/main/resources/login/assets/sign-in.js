'use strict';
// The provider's sign-in page: a passkey (discoverable, so the passkey names its person), or a login request that
// the person's phone approves while this page waits. Each post carries the page's sealed interaction; the server
// answers where the browser goes next (back to the application, with a code).
(function () {
  const {get, post} = window.GatehouseWebAuthn;
  const form = document.querySelector('[data-sign-in]');
  const interaction = form.querySelector('input[name="interaction"]').value;
  const username = () => form.querySelector('input[name="username"]').value.trim();

  function say(element, text, state) {
    element.textContent = text;
    element.dataset.status = state;
  }

  const passkey = form.querySelector('[data-action="sign-in-passkey"]');
  if (passkey) {
    const status = form.querySelector('[data-passkey-status]');
    passkey.addEventListener('click', async () => {
      passkey.disabled = true;
      say(status, 'Waiting for your passkey…', 'working');
      try {
        const options = await post('/oauth2/sign-in/passkey/options', {interaction: interaction});
        let credential;
        try {
          credential = await get(options.publicKey);
        } catch (e) {
          throw new Error('Your device did not confirm with your fingerprint, face or PIN (' + e.name + ').');
        }
        const next = await post('/oauth2/sign-in/passkey', {interaction: interaction, username: username(),
          ceremonyId: options.ceremonyId, credential: credential});
        say(status, 'Signed in. Returning to the application…', 'done');
        location.assign(next.redirect);
      } catch (e) {
        say(status, e.message, 'refused');
        passkey.disabled = false;
      }
    });
  }

  const phone = form.querySelector('[data-action="sign-in-phone"]');
  if (phone) {
    const panel = form.querySelector('[data-phone-request]');
    const status = form.querySelector('[data-phone-status]');
    const link = panel.querySelector('[data-login-request]');
    let current = null;

    async function start() {
      current = await post('/oauth2/sign-in/phone', {interaction: interaction});
      panel.querySelector('[data-phone-qr]').src = current.qr;
      panel.querySelector('[data-login-number]').textContent = String(current.number);
      link.dataset.loginRequest = current.loginRequest;
      link.textContent = current.loginRequest;
      link.href = current.loginRequest;
      panel.hidden = false;
      say(status, 'Waiting for your phone…', 'working');
    }

    async function poll() {
      const response = await fetch('/login/requests/' + encodeURIComponent(current.id) + '/status', {
        headers: {'Accept': 'application/json', 'Gatehouse-Login-Secret': current.secret}, cache: 'no-store'});
      const answer = await response.json();
      if (!response.ok) {
        throw new Error(answer.detail || answer.title || 'the server answered ' + response.status);
      }
      if (answer.state === 'approved' && answer.completionToken) {
        say(status, 'Approved on your phone. Returning to the application…', 'done');
        const next = await post('/oauth2/sign-in/phone/complete', {interaction: interaction,
          completionToken: answer.completionToken});
        location.assign(next.redirect);
        return false;
      }
      if (answer.state === 'denied') {
        panel.hidden = true;
        say(status, 'Refused on the phone (' + answer.reason + '). Press the button to try again.', 'refused');
        phone.disabled = false;
        return false;
      }
      if (answer.state === 'expired') {
        await start();
      }
      return true;
    }

    phone.addEventListener('click', async () => {
      phone.disabled = true;
      say(status, 'Asking for a login request…', 'working');
      try {
        await start();
        while (await poll()) {
          await new Promise(resolve => setTimeout(resolve, 1000));
        }
      } catch (e) {
        say(status, e.message, 'refused');
        phone.disabled = false;
      }
    });
  }

  // Enter in the code field signs in with the code (the form's first button is "Continue").
  const code = form.querySelector('input[name="code"]');
  if (code) {
    code.addEventListener('keydown', event => {
      if (event.key === 'Enter') {
        event.preventDefault();
        form.querySelector('[data-action="sign-in-totp"]').click();
      }
    });
  }
})();
