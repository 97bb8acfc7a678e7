'use strict';
// What the passkey pages share: WebAuthn's binary fields as base64url text, and JSON posts whose refusals become
// errors carrying the problem's detail. Loaded before the page's own script.
window.GatehouseWebAuthn = (function () {
  function decode(text) {
    const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(base64 + '='.repeat((4 - base64.length % 4) % 4)), c => c.charCodeAt(0));
  }

  function encode(buffer) {
    let binary = '';
    new Uint8Array(buffer).forEach(b => { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      cache: 'no-store',
      body: JSON.stringify(body)
    });
    const json = await response.json();
    if (!response.ok) {
      throw new Error(json.detail || json.title || 'the server answered ' + response.status);
    }
    return json;
  }

  return Object.freeze({decode, encode, post});
})();
