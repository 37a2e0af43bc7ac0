// The console's shared behaviour (no inline scripts: the pages' CSP allows this file only): confirmations before
// POST actions, image uploads into form fields, toasts that fade.
'use strict';

document.addEventListener('submit', event => {
  const form = event.target;
  const question = form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) event.preventDefault();
});

// <span data-image-field>: a hidden input for the URL, a preview, and a file input that uploads at once.
for (const field of document.querySelectorAll('[data-image-field]')) {
  const hidden = field.querySelector('input[type=hidden]');
  const preview = field.querySelector('img');
  const picker = field.querySelector('input[type=file]');
  const name = field.querySelector('[data-file-name]');
  picker.addEventListener('change', async () => {
    const file = picker.files[0];
    if (!file) return;
    name.textContent = file.name;
    const body = new FormData();
    body.append('file', file);
    try {
      const res = await fetch(picker.getAttribute('data-upload'), {
        method: 'POST',
        body,
        headers: { 'x-csrf-token': picker.getAttribute('data-csrf'), accept: 'application/json' },
        credentials: 'same-origin',
      });
      const answer = await res.json();
      if (answer.msg !== 'ok') throw new Error(answer.data);
      hidden.value = answer.data.url;
      preview.src = answer.data.url;
      preview.classList.remove('empty');
      showToast('上传成功', 'success');
    } catch (err) {
      showToast(err.message || '上传失败', 'danger');
    }
  });
}

function showToast(message, type) {
  const toast = document.createElement('div');
  toast.className = `toast ${type}`;
  toast.setAttribute('role', 'status');
  toast.textContent = message;
  document.getElementById('toasts').appendChild(toast);
  fade(toast);
}

function fade(toast) {
  setTimeout(() => toast.classList.add('hide'), 2500);
  setTimeout(() => toast.remove(), 3000);
}

for (const toast of document.querySelectorAll('#toasts .toast')) fade(toast);
window.adminToast = showToast;
