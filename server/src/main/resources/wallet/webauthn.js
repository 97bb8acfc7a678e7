'use strict';
// What the passkey pages share: WebAuthn's binary fields as base64url text, the two ceremonies with the server's
// options in WebAuthn's JSON form, and JSON posts whose refusals become errors carrying the problem's detail (with
// the console's CSRF token when the page has one). Loaded before the page's own script.
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

  // navigator.credentials.create over the server's options; the answer in the JSON form the server reads.
  async function create(publicKey) {
    publicKey.challenge = decode(publicKey.challenge);
    publicKey.user.id = decode(publicKey.user.id);
    (publicKey.excludeCredentials || []).forEach(c => { c.id = decode(c.id); });
    const credential = await navigator.credentials.create({publicKey: publicKey});
    const response = credential.response;
    return {
      id: credential.id,
      rawId: encode(credential.rawId),
      type: credential.type,
      response: {
        attestationObject: encode(response.attestationObject),
        clientDataJSON: encode(response.clientDataJSON),
        transports: response.getTransports ? response.getTransports() : []
      },
      clientExtensionResults: credential.getClientExtensionResults()
    };
  }

  // navigator.credentials.get over the server's options; the assertion in the JSON form the server reads.
  async function get(publicKey) {
    publicKey.challenge = decode(publicKey.challenge);
    (publicKey.allowCredentials || []).forEach(c => { c.id = decode(c.id); });
    const credential = await navigator.credentials.get({publicKey: publicKey});
    const response = credential.response;
    return {
      id: credential.id,
      rawId: encode(credential.rawId),
      type: credential.type,
      response: {
        authenticatorData: encode(response.authenticatorData),
        clientDataJSON: encode(response.clientDataJSON),
        signature: encode(response.signature),
        userHandle: response.userHandle ? encode(response.userHandle) : null
      },
      clientExtensionResults: credential.getClientExtensionResults()
    };
  }

  async function post(path, body) {
    const headers = {'Content-Type': 'application/json', 'Accept': 'application/json'};
    const csrf = document.querySelector('meta[name="csrf-token"]');
    if (csrf && csrf.content) {
      headers['X-CSRF-Token'] = csrf.content;
    }
    const response = await fetch(path, {
      method: 'POST',
      headers: headers,
      cache: 'no-store',
      body: JSON.stringify(body)
    });
    const json = await response.json();
    if (!response.ok) {
      throw new Error(json.detail || json.title || 'the server answered ' + response.status);
    }
    return json;
  }

  return Object.freeze({decode, encode, create, get, post});
})();
