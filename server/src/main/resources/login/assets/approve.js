'use strict';
// The phone's approval: the number picked goes with a user-verified passkey assertion; the server says whether it
// was the browser's number. One answer only: a wrong pick ends the request, so every button is disabled at once;
// only a passkey prompt that was cancelled on the phone (nothing reached the server) gives the choice back. The
// outcome takes the focus, so that a keyboard or screen reader user lands on it when the buttons go.
(function () {
  const {get, post} = window.GatehouseWebAuthn;
  const section = document.querySelector('[data-login-approval]');
  const status = section.querySelector('[data-login-status]');
  const buttons = section.querySelectorAll('[data-choice], [data-action="decline-login"]');
  const time = section.querySelector('[data-fact="time"] time');

  if (time) {
    const at = new Date(time.dateTime);
    if (!Number.isNaN(at.getTime())) {
      time.textContent = at.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit'});
    }
  }

  function say(text, state) {
    status.textContent = text;
    status.dataset.status = state;
    if (state !== 'working') {
      status.focus();
    }
  }

  function enable(on) {
    buttons.forEach(b => { b.disabled = !on; });
  }

  class NotConfirmed extends Error {}

  async function approve(number) {
    const options = await post(section.dataset.options, {});
    let answer;
    try {
      answer = await get(options.publicKey);
    } catch (e) {
      throw new NotConfirmed('Your phone did not confirm with your fingerprint, face or PIN (' + e.name
          + '). Pick again to retry.');
    }
    return post(section.dataset.submit, {number: number, ceremonyId: options.ceremonyId, credential: answer});
  }

  section.querySelector('[data-action="decline-login"]').addEventListener('click', () => {
    enable(false);
    post(section.dataset.decline, {}).then(() => {
      say('Refused. Nobody is signed in with this request.', 'done');
    }).catch(e => say(e.message, 'refused'));
  });

  section.querySelectorAll('[data-choice]').forEach(button => {
    button.addEventListener('click', () => {
      enable(false);
      say('Waiting for your passkey…', 'working');
      approve(Number(button.dataset.choice)).then(approved => {
        say('Approved. You are signing in to ' + approved.application + ' in your browser.', 'done');
      }).catch(e => {
        if (e instanceof NotConfirmed) {
          enable(true);
        }
        say(e.message, 'refused');
      });
    });
  });
})();
