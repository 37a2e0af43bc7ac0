// The room: the video (mpegts.js), its status followed by polling `read`, and the socket.io room: danmaku, gifts,
// the online list. Everything users wrote is set as text.
/* global io */
import { api, askLogin, el, refreshUser, refused, session, showError, toast } from './account.mjs';
import { LivePlayer, STATUS_LABEL, STATUS_TEXT } from './player.mjs';

const STATUS_POLL = 3000;
const DANMAKU_LANES = 8;
const DANMAKU_MS = 9000;
const GIFT_SHOWN_MS = 4000;
// Comments kept in the chat column.
const CHAT_KEEP = 200;

const root = document.getElementById('room');
const liveId = Number(root.dataset.liveId);
const video = document.getElementById('video');
const chatList = document.getElementById('chat-list');
const danmakuLayer = document.getElementById('danmaku-layer');
let status = Number(root.dataset.status);
let pollTimer;

const player = new LivePlayer(video, { onStopped: () => showState(status === 1 ? '正在连接直播…' : STATUS_TEXT[status]) });

function showState(text) {
  const box = document.getElementById('player-state');
  document.getElementById('player-state-text').textContent = text || '';
  box.hidden = !text;
}

// Status from `read`: plays when live (with fresh signed URLs), says why not otherwise; ended is final.
async function poll() {
  let room;
  try {
    room = await api(`/api/live/read/${liveId}`);
  } catch {
    return;
  }
  status = room.data.status;
  root.dataset.status = String(status);
  document.getElementById('room-status').textContent = STATUS_LABEL[status];
  if (status === 1) {
    if (!player.running) {
      if (!LivePlayer.supported()) return showState('这个浏览器不能播放直播（不支持 Media Source Extensions）');
      showState('');
      player.start(room.play_url, room.ws_play_url);
    }
  } else {
    player.destroy();
    showState(STATUS_TEXT[status]);
  }
  if (status === 3) {
    clearInterval(pollTimer);
    document.getElementById('chat-form').classList.add('closed');
  }
}

// Muted until the viewer taps: browsers let only a muted video play by itself.
function setUpSound() {
  const button = document.getElementById('unmute');
  button.hidden = false;
  button.addEventListener('click', () => {
    video.muted = false;
    button.hidden = true;
  });
}

// --- the socket.io room ---

const socket = io({ transports: [ 'websocket' ], query: session.token ? { token: session.token } : {} });
let errorEvent = '';

function payload(extra = {}) {
  return { live_id: liveId, token: session.token, ...extra };
}

// Sends an event; resolves true on the server's ok. Refusals are shown from the socket's error event, as the course
// client does.
function send(event, extra) {
  return new Promise(resolve => {
    socket.emit(event, payload(extra), reply => resolve(reply?.data?.action === 'ok'));
  });
}

// Joins the room once per connection and login (a balance change is no reason to join again).
let joinedWith = '';
function join() {
  const { token } = session;
  document.getElementById('chat-hint').hidden = !!token;
  if (!token || !socket.connected || token === joinedWith) return;
  joinedWith = token;
  send('joinLive');
}

socket.on('connect', () => {
  joinedWith = '';
  if (errorEvent) socket.off(errorEvent);
  errorEvent = socket.id;
  socket.on(errorEvent, message => {
    const text = message?.data?.payload;
    if (typeof text !== 'string') return;
    refused(text);
    if (!message.meta?.notoast) toast(text);
  });
  join();
});

socket.on('online', ({ count, data }) => {
  document.getElementById('online-count').textContent = String(count ?? (data || []).length);
  const list = document.getElementById('online-list');
  list.replaceChildren(...(data || []).map(user => el('li', 'online-user', user.name)));
});

socket.on('comment', ({ user, id, content }) => {
  const item = el('li', 'chat-item');
  item.dataset.commentId = String(id);
  item.append(el('span', 'chat-name', user?.name ?? ''), el('span', 'chat-text', content));
  appendChat(item);
  flyDanmaku(id, content, user && session.user && user.id === session.user.id);
});

socket.on('commentHidden', ({ id }) => {
  for (const node of document.querySelectorAll(`[data-comment-id="${CSS.escape(String(id))}"]`)) node.remove();
});

socket.on('gift', gift => {
  const coin = document.getElementById('room-coin');
  coin.textContent = String(Number(coin.textContent) + gift.gift_coin * gift.num);
  const line = el('li', 'chat-item gift-line');
  line.append(el('span', 'chat-name', gift.username), el('span', 'chat-text', `送出 ${gift.gift_name} ×${gift.num}`));
  appendChat(line);
  popGift(gift);
});

function appendChat(item) {
  const atBottom = chatList.scrollTop + chatList.clientHeight >= chatList.scrollHeight - 30;
  chatList.append(item);
  while (chatList.children.length > CHAT_KEEP) chatList.firstElementChild.remove();
  if (atBottom) chatList.scrollTop = chatList.scrollHeight;
}

let lane = 0;
function flyDanmaku(id, content, mine) {
  const item = el('span', mine ? 'danmaku mine' : 'danmaku', content);
  item.dataset.commentId = String(id);
  lane = (lane + 1) % DANMAKU_LANES;
  item.style.top = `${4 + lane * (88 / DANMAKU_LANES)}%`;
  danmakuLayer.append(item);
  const distance = danmakuLayer.clientWidth + item.offsetWidth;
  const flight = item.animate([{ transform: 'translateX(0)' }, { transform: `translateX(-${distance}px)` }],
    { duration: DANMAKU_MS, easing: 'linear' });
  flight.onfinish = () => item.remove();
}

function popGift(gift) {
  const pop = el('div', 'gift-pop');
  const image = el('img');
  image.src = gift.gift_image;
  image.alt = '';
  const text = el('div', 'gift-pop-text');
  text.append(el('strong', '', gift.username), el('span', '', ` 送出 ${gift.gift_name}`));
  pop.append(image, text);
  document.getElementById('gift-layer').append(pop);
  setTimeout(() => pop.remove(), GIFT_SHOWN_MS);
}

// --- the viewer's side: danmaku, gifts, balance ---

async function loggedIn() {
  if (session.token) return true;
  return !!await askLogin();
}

document.getElementById('chat-login').addEventListener('click', () => askLogin());

document.getElementById('chat-form').addEventListener('submit', async event => {
  event.preventDefault();
  const input = document.getElementById('chat-input');
  const text = input.value.trim();
  if (!text) return;
  if (!await loggedIn()) return;
  if (await send('comment', { data: text })) input.value = '';
});

async function loadGifts() {
  let gifts = [];
  try {
    gifts = await api('/api/gift/list');
  } catch (err) {
    return showError(err);
  }
  const list = document.getElementById('gift-list');
  list.replaceChildren(...gifts.map(gift => {
    const button = el('button', 'gift');
    button.type = 'button';
    button.dataset.giftId = String(gift.id);
    const image = el('img');
    image.src = gift.image;
    image.alt = '';
    button.append(image, el('span', 'gift-name', gift.name), el('span', 'gift-price', `${gift.coin} 金币`));
    button.addEventListener('click', () => sendGift(gift));
    const item = el('li');
    item.append(button);
    return item;
  }));
}

async function sendGift(gift) {
  if (!await loggedIn()) return;
  if (await send('gift', { gift_id: gift.id })) await refreshUser();
}

function showBalance(user) {
  document.getElementById('balance').textContent = user ? String(user.coin ?? 0) : '-';
}

session.onChange(user => {
  showBalance(user);
  join();
});

showBalance(session.user);
setUpSound();
loadGifts();
poll();
pollTimer = setInterval(poll, STATUS_POLL);
