// The lobby refreshes itself: every REFRESH ms it fetches its own page again and swaps in the new room list (parsed
// as an inert document: nothing in it runs).
import './account.mjs';

const REFRESH = 15000;

async function refresh() {
  if (document.hidden) return;
  try {
    const res = await fetch(location.href, { headers: { accept: 'text/html' } });
    if (!res.ok) return;
    const next = new DOMParser().parseFromString(await res.text(), 'text/html').getElementById('lobby');
    const current = document.getElementById('lobby');
    if (next && current) current.replaceWith(document.adoptNode(next));
  } catch {
    // Offline for a moment: the next round tries again.
  }
}

setInterval(refresh, REFRESH);
