// The session as the course client keeps it: the token (sent in the `token` header) and the user, in localStorage;
// cleared on logout or when the server answers `Token 令牌不合法!`. Also the header's account area, the login /
// registration dialog, toasts and the API calls every page makes.

const TOKEN_KEY = 'token';
const USER_KEY = 'user';
// Answers that mean the stored token is no good any more.
const TOKEN_REFUSALS = [ 'Token 令牌不合法!', 'token 已过期! 请重新获取令牌' ];

const listeners = new Set();

export const session = {
  get token() {
    return localStorage.getItem(TOKEN_KEY) || '';
  },
  get user() {
    try {
      return JSON.parse(localStorage.getItem(USER_KEY) || 'null');
    } catch {
      return null;
    }
  },
  save(user, token = this.token) {
    localStorage.setItem(TOKEN_KEY, token);
    localStorage.setItem(USER_KEY, JSON.stringify(user));
    changed();
  },
  clear() {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(USER_KEY);
    changed();
  },
  // fn(user or null) on every login, logout and balance change.
  onChange(fn) {
    listeners.add(fn);
  },
};

function changed() {
  renderAccount();
  for (const fn of listeners) fn(session.user);
}

// Another tab logged in or out.
window.addEventListener('storage', event => {
  if (event.key === TOKEN_KEY || event.key === USER_KEY) changed();
});

export class ApiError extends Error {}

// A refusal said by the server (socket or REST): a bad token ends the session.
export function refused(message) {
  if (TOKEN_REFUSALS.includes(message) && session.token) session.clear();
}

// Calls the API in the course's envelope: answers `data`, or throws ApiError with the server's message.
export async function api(path, { method = 'GET', body, form } = {}) {
  const headers = {};
  if (session.token) headers.token = session.token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: form || (body === undefined ? undefined : JSON.stringify(body)) });
  } catch {
    throw new ApiError('网络连接失败，请稍后再试');
  }
  const answer = await res.json().catch(() => null);
  if (!answer) throw new ApiError(`服务器出错了 (${res.status})`);
  if (answer.msg !== 'ok') {
    const message = typeof answer.data === 'string' ? answer.data : '请求失败';
    refused(message);
    throw new ApiError(message);
  }
  return answer.data;
}

let toastTimer;
// A refusal or notice, shown for a moment as the course client's toast.
export function toast(message) {
  const box = document.getElementById('toast');
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, 2500);
}

// Shows the error of a failed call; rethrows anything that is not a refusal.
export function showError(err) {
  toast(err instanceof ApiError ? err.message : '出错了，请稍后再试');
  if (!(err instanceof ApiError)) console.error(err);
}

// Refreshes the user (balance) from the server.
export async function refreshUser() {
  if (!session.token) return null;
  try {
    const user = await api('/api/user/info');
    session.save(user);
    return user;
  } catch {
    return null;
  }
}

function renderAccount() {
  const user = session.user;
  document.getElementById('account-user').hidden = !user;
  document.getElementById('login-button').hidden = !!user;
  if (user) {
    document.getElementById('account-name').textContent = user.nickname || user.username;
    document.getElementById('account-coin').textContent = String(user.coin ?? 0);
  }
}

// The login / registration dialog; resolves once logged in (or undefined if closed).
let waiting = [];
let mode = 'login';
export function askLogin() {
  const dialog = document.getElementById('login-dialog');
  if (!dialog.open) dialog.showModal();
  return new Promise(resolve => waiting.push(resolve));
}

function setMode(next) {
  mode = next;
  const form = document.getElementById('login-form');
  for (const tab of form.querySelectorAll('.tab')) tab.classList.toggle('active', tab.dataset.mode === mode);
  form.querySelector('.reg-only').hidden = mode !== 'reg';
  form.password.autocomplete = mode === 'reg' ? 'new-password' : 'current-password';
  document.getElementById('login-submit').textContent = mode === 'reg' ? '注册并登录' : '登录';
  document.getElementById('login-error').textContent = '';
}

function closeDialog(user) {
  document.getElementById('login-dialog').close();
  const resolves = waiting;
  waiting = [];
  for (const resolve of resolves) resolve(user);
}

async function submitLogin(event) {
  event.preventDefault();
  const form = event.target;
  const error = document.getElementById('login-error');
  const username = form.username.value.trim();
  const password = form.password.value;
  error.textContent = '';
  try {
    if (mode === 'reg') await api('/api/reg', { method: 'POST', body: { username, password, repassword: form.repassword.value } });
    const { token, ...user } = await api('/api/login', { method: 'POST', body: { username, password } });
    session.save(user, token);
    form.reset();
    closeDialog(session.user);
    toast(mode === 'reg' ? '注册成功，已登录' : '登录成功');
  } catch (err) {
    error.textContent = err instanceof ApiError ? err.message : '出错了，请稍后再试';
  }
}

async function logout() {
  try {
    await api('/api/logout', { method: 'POST' });
  } catch {
    // Logged out here whatever the server says (its token may already be gone).
  }
  session.clear();
  toast('已退出登录');
}

function setUp() {
  document.getElementById('login-button').addEventListener('click', () => askLogin());
  document.getElementById('logout-button').addEventListener('click', logout);
  document.getElementById('login-cancel').addEventListener('click', () => closeDialog(undefined));
  document.getElementById('login-dialog').addEventListener('cancel', () => closeDialog(undefined));
  document.getElementById('login-form').addEventListener('submit', submitLogin);
  for (const tab of document.querySelectorAll('#login-form .tab')) tab.addEventListener('click', () => setMode(tab.dataset.mode));
  renderAccount();
  refreshUser();
}

setUp();

// Makes an element with text (never HTML) and classes.
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}
