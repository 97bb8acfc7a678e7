'use strict';
// Registers this phone's passkey through the device enrollment link this page was opened with, then opens the
// wallet, which shows the door codes.
(function () {
  const {create, post} = window.GatehouseWebAuthn;
  const status = document.querySelector('[role="status"]');
  const token = decodeURIComponent(location.pathname.split('/').pop());
  const WALLET = '/wallet/';

  function say(text, state) {
    status.textContent = text;
    status.dataset.status = state;
  }

  async function register() {
    say('Asking the server…', 'working');
    const options = await post('/api/v1/passkeys/registration/options', {enrollmentToken: token});
    let answer;
    try {
      answer = await create(options.publicKey);
    } catch (e) {
      throw new Error('This phone did not make a passkey that checks your fingerprint, face or PIN (' + e.name
          + '). Gatehouse needs that check; use a phone or security key that has it.');
    }
    const registered = await post('/api/v1/passkeys/registration',
        {enrollmentToken: token, ceremonyId: options.ceremonyId, credential: answer});
    document.body.dataset.deviceId = registered.deviceId;
    say('This phone is now your door device (trust: ' + registered.trust + '). Opening your wallet…',
        'registered');
    const wallet = document.createElement('a');
    wallet.href = WALLET;
    wallet.dataset.action = 'open-wallet';
    wallet.textContent = 'Open your wallet';
    status.after(wallet);
    // A moment to read the message; the link stays for a browser that blocks the move.
    setTimeout(() => location.assign(WALLET), 2000);
  }

  document.querySelector('[data-action="register-passkey"]').addEventListener('click', () => {
    register().catch(e => say(e.message, 'refused'));
  });
})();
