import assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { app } from 'egg-mock/bootstrap';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { LiveStatus } from '../../app/model/live';
import { launchBrowser, requireBrowser, screenshot } from '../lib/browser';
import { ffmpegInstalled, publish, Publisher } from '../lib/ffmpeg';
import { MediaCluster } from '../media_cluster';
import { uniqueName } from '../support';
import { userWithCoins, Viewer } from '../socket_support';

const XSS = '<img src=x onerror=alert(1)>';
const DESKTOP = { width: 1280, height: 720 };
const PHONE = { width: 390, height: 844 };

// The web front end to end, in headless Chromium against the app as production runs it (two sticky workers, the
// agent's media server): a broadcaster makes a room in /studio and publishes ffmpeg's test pattern to the URL it
// shows; two viewers watch, chat and send gifts in /live/:id; the broadcaster stops the room.
describe('test/front/pages.test.ts', function() {
  this.timeout(240000);

  const media = new MediaCluster();
  let browser: Browser;
  let publisher: Publisher | undefined;
  let coverDir = '';
  const contexts: BrowserContext[] = [];
  // What each page opened a dialog for (alert(), confirm()): nothing ever should.
  const dialogs: string[] = [];
  // Uncaught errors of the pages' scripts.
  const pageErrors: string[] = [];

  before(async function() {
    requireBrowser(this);
    if (!ffmpegInstalled()) {
      if (process.env.REQUIRE_FFMPEG) throw new Error('the web front test needs ffmpeg on the PATH');
      this.skip();
    }
    await media.start({});
    browser = await launchBrowser();
    coverDir = mkdtempSync(path.join(os.tmpdir(), 'cilicl-cover-'));
  });

  after(async () => {
    await publisher?.stop();
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await media.close();
    if (coverDir) rmSync(coverDir, { recursive: true, force: true });
  });

  // A browser context (its own localStorage), logged in as `user` when given (the token kept as the course does).
  async function newPage(user?: Viewer, viewport = DESKTOP): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN' });
    contexts.push(context);
    if (user) {
      const { token, ...fields } = user;
      await context.addInitScript(([ t, u ]) => {
        if (!localStorage.getItem('token')) {
          localStorage.setItem('token', t);
          localStorage.setItem('user', u);
        }
      }, [ token, JSON.stringify(fields) ]);
    }
    const page = await context.newPage();
    page.on('dialog', dialog => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', err => pageErrors.push(`${page.url()}: ${err.message} ${err.stack ?? ''}`));
    return page;
  }

  // Registers through the page's own dialog, without leaving the page.
  async function registerInPlace(page: Page, opener: string) {
    await page.click(opener);
    await page.click('#login-form .tab[data-mode="reg"]');
    const username = uniqueName('w');
    await page.fill('#login-form [name=username]', username);
    await page.fill('#login-form [name=password]', 'front-pass-1');
    await page.fill('#login-form [name=repassword]', 'front-pass-1');
    await page.click('#login-submit');
    await page.waitForSelector('#account-user:not([hidden])');
    assert.equal(await page.textContent('#account-name'), username);
    return username;
  }

  const text = async (page: Page, selector: string) => (await page.textContent(selector))?.trim() ?? '';

  // The video decodes frames: it has a size, and its clock moves on every second for 5 s.
  async function assertPlaying(page: Page, selector: string) {
    await page.waitForFunction(s => (document.querySelector(s) as HTMLVideoElement).videoWidth > 0, selector, { timeout: 30000 });
    const clock = () => page.$eval(selector, video => (video as HTMLVideoElement).currentTime);
    let last = await clock();
    for (let second = 0; second < 5; second++) {
      await sleep(1000);
      const now = await clock();
      assert(now > last, `${selector} stalled at ${now}`);
      last = now;
    }
  }

  it('broadcasts from /studio, and two viewers watch, chat, send gifts and see the room end', async () => {
    // The broadcaster: registers in place, creates a room with an uploaded cover, publishes to the URL it shows.
    const studio = await newPage();
    await studio.goto(`${media.api}/studio`);
    await registerInPlace(studio, '#studio-login');
    await studio.waitForSelector('#studio-create:not([hidden])');
    const cover = path.join(coverDir, 'cover.jpg');
    execFileSync('ffmpeg', [ '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360', '-frames:v', '1', '-y', cover ]);
    await studio.setInputFiles('#create-cover', cover);
    await studio.waitForSelector('#cover-preview:not([hidden])');
    // The picker is drawn in Chinese and names the chosen file.
    assert.equal(await text(studio, '.cover-pick .file-pick'), '选择图片');
    assert.equal(await text(studio, '#cover-name'), 'cover.jpg');
    await studio.fill('#create-title', '网页直播间测试');
    await screenshot(studio, 'front-studio-create');
    await studio.click('#create-submit');
    await studio.waitForSelector('#studio-room:not([hidden])');
    const publishUrl = await text(studio, '#publish-url');
    assert.match(publishUrl, /^rtmp:\/\/127\.0\.0\.1:\d+\/live\/[0-9a-zA-Z]{20}\?sign=\d+-[0-9a-f]{32}$/);
    assert.equal(await text(studio, '#obs-server') + '/' + await text(studio, '#obs-key'), publishUrl);
    assert((await text(studio, '#ffmpeg-command')).includes(publishUrl));
    const liveId = Number((await studio.getAttribute('#studio-link', 'href'))!.split('/').pop());
    const room = await app.model.Live.findByPk(liveId);
    assert.equal(room?.title, '网页直播间测试');
    assert.match(room!.cover, /^\/public\/uploads\//);

    publisher = publish(publishUrl, { seconds: 200 });
    await studio.waitForFunction(() => document.getElementById('studio-status')?.textContent === '直播中', null, { timeout: 30000 });
    await assertPlaying(studio, '#preview');
    await screenshot(studio, 'front-studio');

    // Two viewers: one registers in the room itself, one was logged in before (with coins to spend).
    const spender = await userWithCoins(1000);
    const viewerA = await newPage(spender);
    const viewerB = await newPage();
    await viewerA.goto(`${media.api}/live/${liveId}`);
    await viewerB.goto(`${media.api}/live/${liveId}`);
    await registerInPlace(viewerB, '#login-button');
    await assertPlaying(viewerA, '#video');
    await assertPlaying(viewerB, '#video');
    for (const page of [ viewerA, viewerB ]) {
      await page.waitForFunction(() => document.getElementById('online-count')?.textContent === '2');
    }

    // A danmaku typed in one shows in the other: in the chat column and flying over the video.
    await viewerB.fill('#chat-input', '大家好，弹幕来了');
    await viewerB.press('#chat-input', 'Enter');
    await viewerA.waitForFunction(() => [ ...document.querySelectorAll('#chat-list .chat-text') ]
      .some(node => node.textContent === '大家好，弹幕来了'));
    await viewerA.waitForFunction(() => [ ...document.querySelectorAll('#danmaku-layer .danmaku') ]
      .some(node => node.textContent === '大家好，弹幕来了'));

    // A gift: the sender's balance drops by its price, and both rooms show it.
    const [ gift ] = await app.model.Gift.findAll({ where: { hidden: false }, order: [[ 'coin', 'ASC' ], [ 'id', 'ASC' ]], limit: 1 });
    await viewerA.waitForFunction(() => document.getElementById('balance')?.textContent === '1000');
    await viewerA.click(`.gift[data-gift-id="${gift.id}"]`);
    await viewerA.waitForFunction(expected => document.getElementById('balance')?.textContent === expected,
      String(1000 - gift.coin));
    for (const page of [ viewerA, viewerB ]) {
      await page.waitForSelector('#gift-layer .gift-pop');
      assert((await text(page, '#gift-layer .gift-pop')).includes(gift.name));
    }
    assert.equal((await app.model.User.findByPk(spender.id))?.coin, 1000 - gift.coin);

    // Muted until the viewer taps (browsers play only a muted video by themselves).
    assert.equal(await viewerB.$eval('#video', video => (video as HTMLVideoElement).muted), true);
    await viewerB.click('#unmute');
    assert.equal(await viewerB.$eval('#video', video => (video as HTMLVideoElement).muted), false);

    // Paused in the studio: the rooms say so; played again: they play again by themselves.
    await studio.click('[data-change="pause"]');
    for (const page of [ viewerA, viewerB ]) {
      await page.waitForFunction(() => document.getElementById('player-state-text')?.textContent === '主播暂时离开，马上回来');
    }
    await studio.click('[data-change="play"]');
    for (const page of [ viewerA, viewerB ]) {
      await page.waitForSelector('#player-state', { state: 'hidden' });
      await assertPlaying(page, '#video');
    }

    // The room's screenshot, with the gift and the danmaku on it; and on a phone (a third viewer).
    await viewerA.evaluate(() => window.scrollTo(0, 0));
    await screenshot(viewerA, 'front-room');
    const phone = await newPage(await userWithCoins(50), PHONE);
    await phone.goto(`${media.api}/live/${liveId}`);
    await phone.waitForFunction(() => (document.getElementById('video') as HTMLVideoElement).videoWidth > 0, null, { timeout: 30000 });
    await phone.waitForFunction(() => document.getElementById('online-count')?.textContent === '3');
    await screenshot(phone, 'front-room-phone');
    await phone.context().close();

    // The owner hides the danmaku (moderation, as the console or a room moderator would): it leaves both rooms.
    const comment = await app.model.Comment.findOne({ where: { live_id: liveId, content: '大家好，弹幕来了' } });
    const ownerToken = await studio.evaluate(() => localStorage.getItem('token'));
    const hidden = await fetch(`${media.api}/api/live/hidecomment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', token: ownerToken! },
      body: JSON.stringify({ live_id: liveId, comment_id: comment!.id }),
    });
    assert.equal(hidden.status, 200, await hidden.text());
    for (const page of [ viewerA, viewerB ]) {
      await page.waitForFunction(() => ![ ...document.querySelectorAll('#chat-list .chat-text, #danmaku-layer .danmaku') ]
        .some(node => node.textContent === '大家好，弹幕来了'));
    }

    // The lobby shows the room live, with its viewers now.
    const lobby = await newPage();
    await lobby.goto(`${media.api}/`);
    const card = lobby.locator(`.room-card a[href="/live/${liveId}"]`);
    assert.equal((await card.locator('.badge').textContent())?.trim(), '直播中');
    assert.match((await card.locator('.viewers').textContent()) ?? '', /[12] 人在看/);
    await screenshot(lobby, 'front-lobby');
    await lobby.setViewportSize(PHONE);
    await screenshot(lobby, 'front-lobby-phone');

    // Stop in the studio (two clicks: the second confirms) turns both rooms to ended.
    await studio.click('#stop-button');
    await studio.click('#stop-button');
    for (const page of [ viewerA, viewerB ]) {
      await page.waitForFunction(() => document.getElementById('room')?.dataset.status === '3', null, { timeout: 20000 });
      assert.equal(await text(page, '#player-state-text'), '直播已结束');
      assert(await page.isVisible('#player-state'));
    }
    assert.equal((await app.model.Live.findByPk(liveId))?.status, LiveStatus.Ended);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(pageErrors, []);
  });

  it('shows a danmaku of HTML as text, and runs nothing', async () => {
    const owner = await userWithCoins(0);
    const live = await app.model.Live.create({
      title: '安全测试', user_id: owner.id, key: app.mockContext().randomString(20), status: LiveStatus.Live,
    });
    const sender = await newPage(await userWithCoins(0));
    const watcher = await newPage(await userWithCoins(0));
    await sender.goto(`${media.api}/live/${live.id}`);
    await watcher.goto(`${media.api}/live/${live.id}`);
    for (const page of [ sender, watcher ]) {
      await page.waitForFunction(() => document.getElementById('online-count')?.textContent === '2');
    }
    await sender.fill('#chat-input', XSS);
    await sender.press('#chat-input', 'Enter');
    for (const page of [ sender, watcher ]) {
      await page.waitForFunction(xss => [ ...document.querySelectorAll('#chat-list .chat-text') ]
        .some(node => node.textContent === xss), XSS);
      // Time for an <img src=x> to fail and fire its handler, were it one.
      await sleep(1000);
      assert.equal(await page.locator('#chat-list img, #danmaku-layer img').count(), 0);
      assert.equal(await page.locator('#danmaku-layer .danmaku').filter({ hasText: XSS }).count(), 1);
    }
    await sleep(500);
    assert.deepEqual(dialogs, []);
  });
});
