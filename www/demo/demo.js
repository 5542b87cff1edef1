// The demo page's own script: shows which gated tags ran and what the API answers.
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
