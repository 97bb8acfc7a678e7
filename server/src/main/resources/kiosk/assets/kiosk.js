'use strict';
// The lobby kiosk: frames from the camera go to the server (which reads the QR code in them) until a pass checks
// in; the welcome then replaces the camera and the kiosk goes back to waiting after a while.
(function () {
  const FRAME_INTERVAL_MS = 600;
  const MAX_WIDTH = 640;
  const main = document.querySelector('main');

  function idleLater(card) {
    const seconds = Number(card.getAttribute('data-idle-after')) || 60;
    setTimeout(() => { window.location.assign('/kiosk'); }, seconds * 1000);
  }

  const welcome = document.querySelector('[data-kiosk-welcome]');
  if (welcome) {
    idleLater(welcome);
    return;
  }
  const video = document.querySelector('[data-kiosk-video]');
  const canvas = document.querySelector('[data-kiosk-canvas]');
  const status = document.querySelector('[data-kiosk-camera-status]');
  if (!video || !canvas) {
    return;
  }
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    status.textContent = 'This kiosk has no camera access (it needs https or localhost). Type your code instead.';
    return;
  }
  let stopped = false;

  async function sendFrame() {
    if (stopped || video.readyState < 2 || !video.videoWidth) {
      return;
    }
    const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
    const frame = await new Promise(resolve => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    if (!frame) {
      return;
    }
    const response = await fetch('/kiosk/frames', {
      method: 'POST', headers: {'Content-Type': 'image/jpeg'}, cache: 'no-store', body: frame
    });
    if (response.status === 204) {
      return;
    }
    if (response.ok) {
      stopped = true;
      video.srcObject.getTracks().forEach(track => track.stop());
      main.querySelector('[data-kiosk-stage]').innerHTML = await response.text();
      main.setAttribute('data-kiosk', 'welcome');
      const card = main.querySelector('[data-kiosk-welcome]');
      if (card) {
        idleLater(card);
      }
      return;
    }
    if (response.status === 401) {
      stopped = true;
      window.location.assign('/kiosk');
      return;
    }
    let detail = 'This code cannot be used here.';
    try {
      const problem = await response.json();
      detail = problem.detail || detail;
    } catch (ignored) {
      // not a problem document; keep the general message
    }
    status.textContent = detail;
  }

  async function loop() {
    try {
      await sendFrame();
    } catch (e) {
      status.textContent = 'The kiosk lost its connection; trying again…';
    }
    if (!stopped) {
      setTimeout(loop, FRAME_INTERVAL_MS);
    }
  }

  navigator.mediaDevices.getUserMedia({video: {facingMode: 'user'}, audio: false}).then(stream => {
    video.srcObject = stream;
    return video.play();
  }).then(() => {
    status.textContent = 'Looking for a QR code…';
    loop();
  }).catch(() => {
    status.textContent = 'The camera is not available. Type your code instead.';
  });
})();
