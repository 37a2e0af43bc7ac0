import assert from 'node:assert';
import path from 'node:path';
import { app } from 'egg-mock/bootstrap';
import { Browser, Page } from 'playwright-core';
import { LiveStatus } from '../app/model/live';
import { createManager } from './admin_support';
import { launchBrowser, requireBrowser, screenshot } from './lib/browser';
import { ffmpegInstalled, stillRunningAfter } from './lib/ffmpeg';
import { until } from './lib/until';
import { LiveRoom, MediaCluster } from './media_cluster';
import { registerAndLogin } from './support';

// The console in headless Chromium against the app as production runs it (two workers, the agent's media server, an
// ffmpeg publisher): log in, the dashboard counts the live room, close it and its publisher is cut, adjust a user's
// coins, hide a danmaku. Screenshots land in run/screenshots/admin-*.png.
describe('test/admin_console.test.ts', () => {
  const media = new MediaCluster();
  let browser: Browser;
  let page: Page;
  let room: LiveRoom;

  before(async function() {
    this.timeout(180000);
    requireBrowser(this);
    if (!ffmpegInstalled()) {
      if (process.env.REQUIRE_FFMPEG) throw new Error('the console test needs ffmpeg on the PATH (apt-get install ffmpeg)');
      this.skip();
    }
    await media.start({});
    room = await media.liveRoom();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // The console's confirmations (data-confirm) are accepted.
    page.on('dialog', dialog => dialog.accept());
  });

  // Gifts this file adds leave the catalogue afterwards (the catalogue tests expect the seeded gifts only).
  const giftsMade: string[] = [];
  after(async () => {
    await browser?.close();
    await media.close();
    if (giftsMade.length) await app.model.Gift.update({ hidden: true }, { where: { name: giftsMade } });
  });

  // The toast the page shows now.
  const toast = () => page.locator('#toasts .toast').first().textContent();

  it('logs in and sees the dashboard count the live room and its publisher, refreshed by its script', async function() {
    this.timeout(60000);
    const manager = await createManager();
    await page.goto(`${media.api}/admin`);
    assert.equal(new URL(page.url()).pathname, '/admin/login');
    assert.equal(await toast(), '请先登录');
    await screenshot(page, 'admin-login');
    await page.fill('input[name=username]', manager.username);
    await page.fill('input[name=password]', manager.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${media.api}/admin`);
    assert.equal(await toast(), '登录成功');
    assert(Number(await page.textContent('[data-stat=roomsLive]')) >= 1);
    assert(Number(await page.textContent('[data-stat="media.publishers"]')) >= 1);
    // The refresh (every 3 s) rewrites the streams table from GET /admin/api/stats.
    const before = await page.textContent('#updated');
    await page.waitForFunction(text => document.getElementById('updated')?.textContent !== text, before, { timeout: 15000 });
    // The console's own clock, whatever the browser's language (headless Chromium's is English): 07:44:56, not 7:44:56 AM.
    assert.match(await page.textContent('#updated') ?? '', /^\d{2}:\d{2}:\d{2}$/);
    const row = page.locator('#streams tr', { hasText: `#${room.id} ` });
    assert.equal(await row.count(), 1);
    assert.match(await row.textContent() ?? '', /\d+ kbit\/s/);
    await screenshot(page, 'admin-dashboard');
  });

  it('hides a danmaku from the room page', async function() {
    this.timeout(30000);
    const viewer = await registerAndLogin();
    const id = await app.mockContext().service.comment.send(viewer.id, room.id, '请隐藏这条弹幕');
    await page.goto(`${media.api}/admin/live/${room.id}`);
    const row = page.locator('tr', { hasText: '请隐藏这条弹幕' });
    await row.locator('button', { hasText: '隐藏' }).click();
    await page.waitForLoadState();
    assert.equal(await toast(), '操作成功');
    assert((await app.model.Comment.findByPk(id))!.hidden);
    assert.match(await page.locator('tr', { hasText: '请隐藏这条弹幕' }).textContent() ?? '', /已隐藏/);
    await screenshot(page, 'admin-room');
  });

  it('closes the room: status 3 and its publisher cut at once', async function() {
    this.timeout(30000);
    await page.goto(`${media.api}/admin/live?status=1`);
    await screenshot(page, 'admin-live');
    await page.goto(`${media.api}/admin/live/${room.id}`);
    await page.click('button:has-text("关闭直播间")');
    await page.waitForLoadState();
    assert.equal(await toast(), '操作成功');
    assert.equal((await app.model.Live.findByPk(room.id))!.status, LiveStatus.Ended);
    // ffmpeg is disconnected by the media server and exits.
    assert.equal(await stillRunningAfter(room.publisher, 10000), false, 'the publisher was cut');
    await until('the dashboard to count no publisher of the room', async () => {
      const res = await page.request.get(`${media.api}/admin/api/stats`);
      const stats = (await res.json()).data;
      return !stats.media.streams.some((stream: { key: string }) => stream.key === room.key);
    });
  });

  it('adjusts a user\'s coins with a reason, and refuses going below 0', async function() {
    this.timeout(30000);
    const user = await registerAndLogin();
    await page.goto(`${media.api}/admin/user?q=${user.username}`);
    await screenshot(page, 'admin-users');
    await page.click('a:has-text("修改 / 金币")');
    await page.fill('input[name=amount]', '120');
    await page.fill('input[name=reason]', '补发活动奖励');
    await page.click('button:has-text("调整金币")');
    await page.waitForLoadState();
    assert.equal(await toast(), '操作成功');
    assert.equal((await app.model.User.findByPk(user.id))!.coin, 120);
    // The coin record in words, not the column's values: the kind and the manager who made it.
    const log = (await app.model.CoinLog.findOne({ where: { user_id: user.id } }))!;
    const cells = await page.locator('table tbody tr').first()
      .locator('td')
      .allTextContents();
    assert.deepEqual(cells.slice(1).map(cell => cell.trim()), [ '+120', '后台调整', '补发活动奖励', `管理员 #${log.manager_id}` ]);
    // The avatar's picker in Chinese (Chromium's own file button would say "Choose File" on an English system).
    assert.equal(await page.locator('.image-field .file-pick').textContent(), '选择图片');
    assert.equal(await page.locator('.image-field [data-file-name]').textContent(), '未选择文件');
    await page.fill('input[name=amount]', '-500');
    await page.fill('input[name=reason]', '扣除');
    await page.click('button:has-text("调整金币")');
    await page.waitForLoadState();
    assert.equal(await toast(), '金币不足，调整后余额不能小于 0');
    assert.equal((await app.model.User.findByPk(user.id))!.coin, 120);
    await screenshot(page, 'admin-user-edit');
  });

  it('shows the gifts, orders, managers, word filter and moderation pages', async function() {
    this.timeout(30000);
    for (const name of [ 'gift', 'order', 'manager', 'word', 'moderation' ]) {
      await page.goto(`${media.api}/admin/${name}`);
      assert.equal(new URL(page.url()).pathname, `/admin/${name}`);
      assert.equal(await page.locator('.sidebar a.active').count(), 1, name);
      await screenshot(page, `admin-${name}`);
    }
  });

  it('creates a gift with a picture uploaded from the form, which the catalogue shows at once', async function() {
    this.timeout(30000);
    const name = `礼物${Date.now() % 100000}`;
    giftsMade.push(name);
    await page.goto(`${media.api}/admin/gift/create`);
    await page.fill('input[name=name]', name);
    await page.setInputFiles('input[type=file]', path.join(__dirname, '../app/public/gift/rocket.png'));
    await page.waitForFunction(() => /^\/public\/uploads\//.test((document.querySelector('input[name=image]') as HTMLInputElement).value));
    assert.equal(await page.locator('.image-field [data-file-name]').textContent(), 'rocket.png');
    await page.fill('input[name=coin]', '66');
    await screenshot(page, 'admin-gift-create');
    await page.click('button:has-text("新增")');
    await page.waitForLoadState();
    assert.equal(await toast(), '新增成功');
    const res = await fetch(`${media.api}/api/gift/list`);
    const gift = (await res.json()).data.find((entry: { name: string }) => entry.name === name);
    assert.equal(gift?.coin, 66);
    assert.equal((await fetch(media.api + gift.image)).headers.get('content-type'), 'image/png');
  });
});
