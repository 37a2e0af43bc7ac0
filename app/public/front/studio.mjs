// The broadcaster's page: create a room (title, cover upload), then its OBS / ffmpeg settings, a live preview of
// what viewers see, its status followed by polling `read`, and play / pause / stop.
import { api, askLogin, session, showError, toast } from './account.mjs';
import { LivePlayer, STATUS_LABEL, STATUS_TEXT } from './player.mjs';

const STATUS_POLL = 2000;
// Seconds the stop button waits for its second click.
const STOP_CONFIRM_MS = 4000;
// The room made on this browser, kept across reloads: {user_id, id, title, publish_url, obs}.
const ROOM_KEY = 'studio_room';

const preview = new LivePlayer(document.getElementById('preview'), {
  onStopped: () => setPreviewState(room && status === 1 ? '正在连接…' : STATUS_TEXT[status] || '等待推流…'),
});
let room = null;
let status = 0;
let pollTimer;
let coverUrl = '';

function storedRoom() {
  try {
    const stored = JSON.parse(localStorage.getItem(ROOM_KEY) || 'null');
    return stored && session.user && stored.user_id === session.user.id ? stored : null;
  } catch {
    return null;
  }
}

function setPreviewState(text) {
  document.getElementById('preview-state-text').textContent = text || '';
  document.getElementById('preview-state').hidden = !text;
}

function render() {
  const user = session.user;
  room = user ? storedRoom() : null;
  document.getElementById('studio-guest').hidden = !!user;
  document.getElementById('studio-create').hidden = !user || !!room;
  document.getElementById('studio-room').hidden = !room;
  clearInterval(pollTimer);
  preview.destroy();
  if (!room) return;
  document.getElementById('studio-title').textContent = room.title;
  const link = document.getElementById('studio-link');
  link.href = `/live/${room.id}`;
  link.textContent = `观众页面 /live/${room.id}`;
  document.getElementById('obs-server').textContent = room.obs.server;
  document.getElementById('obs-key').textContent = room.obs.stream_key;
  document.getElementById('publish-url').textContent = room.publish_url;
  document.getElementById('ffmpeg-command').textContent =
    `ffmpeg -re -i 视频文件.mp4 -c:v libx264 -preset veryfast -tune zerolatency -g 50 -c:a aac -f flv "${room.publish_url}"`;
  poll();
  pollTimer = setInterval(poll, STATUS_POLL);
}

async function poll() {
  if (!room) return;
  let answer;
  try {
    answer = await api(`/api/live/read/${room.id}`);
  } catch {
    return;
  }
  status = answer.data.status;
  const badge = document.getElementById('studio-status');
  badge.textContent = STATUS_LABEL[status];
  badge.className = `badge status-${status}`;
  document.getElementById('studio-room').dataset.status = String(status);
  if (status === 1) {
    if (!preview.running) {
      setPreviewState('');
      preview.start(answer.play_url, answer.ws_play_url);
    }
  } else {
    preview.destroy();
    setPreviewState(status === 0 ? '等待推流…' : STATUS_TEXT[status]);
  }
  if (status === 3) clearInterval(pollTimer);
}

async function uploadCover(event) {
  const file = event.target.files[0];
  coverUrl = '';
  document.getElementById('cover-name').textContent = file ? file.name : '未选择文件';
  const image = document.getElementById('cover-preview');
  image.hidden = true;
  if (!file) return;
  const form = new FormData();
  form.append('files', file);
  try {
    ({ url: coverUrl } = await api('/api/upload', { method: 'POST', form }));
    image.src = coverUrl;
    image.hidden = false;
  } catch (err) {
    event.target.value = '';
    showError(err);
  }
}

async function create(event) {
  event.preventDefault();
  const title = document.getElementById('create-title').value.trim();
  if (!title) return toast('请填写直播间标题');
  const submit = document.getElementById('create-submit');
  submit.disabled = true;
  try {
    const created = await api('/api/live/create', { method: 'POST', body: { title, cover: coverUrl } });
    const { data, publish_url, obs } = created;
    localStorage.setItem(ROOM_KEY, JSON.stringify({ user_id: session.user.id, id: data.id, title: data.title, publish_url, obs }));
    event.target.reset();
    coverUrl = '';
    document.getElementById('cover-preview').hidden = true;
    toast('直播间已创建，开始推流吧');
    render();
  } catch (err) {
    showError(err);
  } finally {
    submit.disabled = false;
  }
}

let stopArmed = 0;
async function change(type, button) {
  if (!room) return;
  if (type === 'stop' && Date.now() > stopArmed) {
    stopArmed = Date.now() + STOP_CONFIRM_MS;
    button.textContent = '确定结束？再点一次';
    setTimeout(() => { button.textContent = '结束直播'; }, STOP_CONFIRM_MS);
    return;
  }
  stopArmed = 0;
  try {
    await api('/api/live/changestatus', { method: 'POST', body: { id: room.id, type } });
    button.textContent = type === 'stop' ? '已结束' : button.textContent;
    await poll();
  } catch (err) {
    showError(err);
  }
}

async function copy(id) {
  const text = document.getElementById(id).textContent;
  try {
    await navigator.clipboard.writeText(text);
    toast('已复制');
  } catch {
    // No clipboard permission (plain http on another host): select it for Ctrl+C.
    const range = document.createRange();
    range.selectNodeContents(document.getElementById(id));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    toast('已选中，按 Ctrl+C 复制');
  }
}

document.getElementById('studio-login').addEventListener('click', () => askLogin());
document.getElementById('create-cover').addEventListener('change', uploadCover);
document.getElementById('create-form').addEventListener('submit', create);
for (const button of document.querySelectorAll('[data-change]')) {
  button.addEventListener('click', () => change(button.dataset.change, button));
}
for (const button of document.querySelectorAll('[data-copy]')) {
  button.addEventListener('click', () => copy(button.dataset.copy));
}
document.getElementById('new-room').addEventListener('click', () => {
  localStorage.removeItem(ROOM_KEY);
  render();
});

let renderedFor = null;
session.onChange(user => {
  // A balance refresh is no reason to start over.
  if ((user?.id ?? null) !== renderedFor) {
    renderedFor = user?.id ?? null;
    render();
  }
});
renderedFor = session.user?.id ?? null;
render();
