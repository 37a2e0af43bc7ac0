// A live FLV player on mpegts.js (served from its npm package as window.mpegts): HTTP-FLV first, WebSocket-FLV when
// that fails; onStopped() when neither plays (the stream is gone: paused, ended or not started).
/* global mpegts */

// On Chrome, mpegts.js does not abort a fetch that is still buffering when its player is destroyed; when the server
// later cuts that stream (a pause or a stop), the orphaned loader throws its RuntimeException with no one listening,
// as an unhandled rejection. A live player reports its errors through its ERROR event instead, so these belong to
// players already torn down: dropped, rather than shown as the page's errors.
// They arrive as unhandled rejections (the fetch loader) or as uncaught throws from its timers and callbacks.
window.addEventListener('unhandledrejection', event => {
  if (event.reason?.name === 'RuntimeException') event.preventDefault();
});
window.addEventListener('error', event => {
  if (event.error?.name === 'RuntimeException') event.preventDefault();
});

export class LivePlayer {
  constructor(video, { onStopped = () => {} } = {}) {
    this.video = video;
    this.onStopped = onStopped;
    this.player = null;
    this.urls = [];
    mpegts.LoggingControl.enableAll = false;
  }

  get running() {
    return this.player !== null;
  }

  static supported() {
    return mpegts.getFeatureList().mseLivePlayback;
  }

  // Plays the room's signed URLs (read's play_url, ws_play_url).
  start(playUrl, wsPlayUrl) {
    this.urls = [ playUrl, wsPlayUrl ].filter(Boolean);
    this.open(0);
  }

  open(index) {
    this.destroy();
    const url = this.urls[index];
    if (!url) {
      this.onStopped();
      return;
    }
    const player = mpegts.createPlayer({ type: 'flv', isLive: true, url }, {
      enableWorker: false,
      lazyLoad: false,
      liveBufferLatencyChasing: true,
      liveBufferLatencyMaxLatency: 3,
      liveBufferLatencyMinRemain: 0.5,
    });
    this.player = player;
    // Out of mpegts.js's own callback: destroying a player inside its event handler breaks it.
    const next = () => setTimeout(() => {
      if (this.player === player) this.open(index + 1);
    }, 0);
    player.on(mpegts.Events.ERROR, next);
    // The server closed a live stream: its publisher went away.
    player.on(mpegts.Events.LOADING_COMPLETE, next);
    player.attachMediaElement(this.video);
    player.load();
    const playing = this.video.play();
    if (playing) playing.catch(() => {});
  }

  destroy() {
    const { player } = this;
    this.player = null;
    if (!player) return;
    try {
      player.pause();
      player.unload();
      player.detachMediaElement();
      player.destroy();
    } catch {
      // Already torn down by its own error.
    }
  }
}

// What each room status tells a viewer.
export const STATUS_TEXT = { 0: '主播还未开播', 1: '直播中', 2: '主播暂时离开，马上回来', 3: '直播已结束' };
export const STATUS_LABEL = { 0: '未开播', 1: '直播中', 2: '暂停中', 3: '已结束' };
