'use strict';
// Keeps the wallet's shell (page, script, style, icons) for a flaky network. Door codes and every other API
// answer go to the network only: a code must come from the server, checked, once.
const SHELL = 'gatehouse-wallet-shell-1';
const FILES = ['/wallet/', '/wallet/wallet.js', '/wallet/webauthn.js', '/wallet/wallet.css', '/wallet/manifest.webmanifest',
  '/wallet/icon-192.png', '/wallet/icon-512.png'];

self.addEventListener('install', event => {
  event.waitUntil(caches.open(SHELL).then(cache => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', event => {
  event.waitUntil(caches.keys()
      .then(names => Promise.all(names.filter(name => name !== SHELL).map(name => caches.delete(name))))
      .then(() => self.clients.claim()));
});

self.addEventListener('fetch', event => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || !FILES.includes(url.pathname)) {
    return;
  }
  // The network first, so that a new version shows at once; the cached shell when offline.
  event.respondWith(fetch(event.request)
      .then(response => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(SHELL).then(cache => cache.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request)));
});
