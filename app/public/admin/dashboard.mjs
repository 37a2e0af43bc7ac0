// The dashboard's figures, from GET /admin/api/stats every few seconds (text set with textContent only).
'use strict';

(() => {
  const REFRESH = 3000;
  const root = document.getElementById('dashboard');
  if (!root) return;
  const url = root.getAttribute('data-stats');

  const read = (data, path) => path.split('.').reduce((value, key) => (value == null ? value : value[key]), data);

  function cell(row, text, href) {
    const td = document.createElement('td');
    if (href) {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = text;
      td.appendChild(a);
    } else {
      td.textContent = text;
    }
    row.appendChild(td);
  }

  function render(stats) {
    for (const el of document.querySelectorAll('[data-stat]')) {
      const value = read(stats, el.getAttribute('data-stat'));
      el.textContent = value == null ? '-' : String(value);
    }
    const tbody = document.getElementById('streams');
    tbody.textContent = '';
    for (const s of stats.media.streams) {
      const row = document.createElement('tr');
      if (s.room) cell(row, `#${s.room.id} ${s.room.title}`, `/admin/live/${s.room.id}`);
      else cell(row, s.key);
      cell(row, s.publisher);
      cell(row, `${s.uptime} 秒`);
      cell(row, `${s.bitrate} kbit/s`);
      cell(row, String(s.players));
      tbody.appendChild(row);
    }
    if (!stats.media.streams.length) {
      const row = document.createElement('tr');
      const td = document.createElement('td');
      td.className = 'empty';
      td.colSpan = 5;
      td.textContent = '暂无推流';
      row.appendChild(td);
      tbody.appendChild(row);
    }
    let state = '';
    if (!stats.media.answered) state = '媒体服务器未应答';
    else if (!stats.media.enabled) state = '媒体服务器未开启';
    document.getElementById('media-state').textContent = state;
    document.getElementById('updated').textContent = new Date(stats.time).toLocaleTimeString('zh-CN', { hour12: false });
  }

  async function refresh() {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (res.status === 401) {
        window.location.href = '/admin/login';
        return;
      }
      const answer = await res.json();
      if (answer.msg === 'ok') render(answer.data);
    } catch {
      // The next refresh tries again.
    }
    setTimeout(refresh, REFRESH);
  }
  setTimeout(refresh, REFRESH);
})();
