// The demo page's own script: shows which gated tags ran and what the API answers,
// and asks for the camera the just-in-time way: assent.explain first, the browser's
// prompt only on "allow".
window.demoTagRan = (id) => {
  const cell = document.getElementById(id);
  if (cell) {
    cell.textContent = '已运行 ran';
    cell.classList.add('ran');
  }
};

function showApi() {
  const answer = window.assent.get('analytics');
  document.getElementById('api-state').textContent = `assent.get('analytics') = ${answer}`;
}

window.assent.on('ready', showApi);
window.assent.on('change', showApi);
showApi();

// Scan ID card: the notice first; the camera (getUserMedia) only on "allow". The demo
// shows the outcome instead of opening the camera.
document.getElementById('scan-id')?.addEventListener('click', async () => {
  const result = document.getElementById('scan-result');
  try {
    const granted = await window.assent.explain('camera');
    result.textContent = granted
      ? '允许：下一步调用相机（navigator.mediaDevices.getUserMedia）· Allowed: the camera would open next'
      : '暂不允许：不调用相机 · Not now: the camera is not asked for';
  } catch (error) {
    result.textContent = `explain() failed: ${error.message}`;
  }
});
