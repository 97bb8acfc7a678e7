'use strict';
// The web wallet: one fingerprint, face or PIN check per door code. The server checks the passkey's assertion
// and mints the code; the page only shows it.
(function () {
  const {get, post} = window.GatehouseWebAuthn;
  const button = document.querySelector('[data-action="show-door-code"]');
  const status = document.querySelector('[role="status"]');
  const section = document.querySelector('.code');
  const image = document.querySelector('[data-qr]');
  const payload = document.querySelector('[data-door-code]');
  const countdown = document.querySelector('[data-countdown]');
  let timer = null;
  let imageUrl = null;

  function say(text, state) {
    status.textContent = text;
    status.dataset.status = state;
  }

  function hide() {
    clearInterval(timer);
    timer = null;
    section.hidden = true;
    payload.setAttribute('data-door-code', '');
    payload.textContent = '';
    if (imageUrl) {
      URL.revokeObjectURL(imageUrl);
      imageUrl = null;
    }
    image.removeAttribute('src');
  }

  function show(code) {
    hide();
    imageUrl = URL.createObjectURL(new Blob([code.qrSvg], {type: 'image/svg+xml'}));
    image.src = imageUrl;
    payload.textContent = code.payload;
    payload.setAttribute('data-door-code', code.payload);
    section.hidden = false;
    const expires = Date.parse(code.expiresAt);
    const tick = () => {
      const left = Math.max(0, Math.ceil((expires - Date.now()) / 1000));
      countdown.textContent = String(left);
      if (left === 0) {
        hide();
        say('The code expired. Ask for a new one when you are at the door.', 'expired');
      }
    };
    tick();
    timer = setInterval(tick, 250);
  }

  async function doorCode() {
    say('Confirm with your fingerprint, face or PIN…', 'working');
    const options = await post('/api/v1/wallet/door-code/options', {});
    let answer;
    try {
      answer = await get(options.publicKey);
    } catch (e) {
      throw new Error('This phone did not confirm with your fingerprint, face or PIN (' + e.name
          + '). No code without that check.');
    }
    const code = await post('/api/v1/wallet/door-code', {ceremonyId: options.ceremonyId, credential: answer});
    show(code);
    say('Show this code to the reader. It opens one door once.', 'shown');
  }

  button.addEventListener('click', () => {
    button.disabled = true;
    hide();
    doorCode().catch(e => say(e.message, 'refused')).finally(() => { button.disabled = false; });
  });

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/wallet/sw.js', {scope: '/wallet/'}).catch(() => {});
  }
})();
