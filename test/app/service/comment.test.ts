import assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { app, mm } from 'egg-mock/bootstrap';
import { registerAndLogin } from '../../support';
import { connect, ok, openLive, refusal, useSocketTests } from '../../socket_support';

// Driven through the comment event, the way clients send danmaku.
describe('test/app/service/comment.test.ts', () => {
  const socketApp = useSocketTests();

  describe('send()', () => {
    it('refuses empty, whitespace-only, too long and malformed text', async () => {
      const { live } = await openLive();
      const user = await registerAndLogin();
      const socket = await connect(socketApp.url, { token: user.token });
      const max = app.config.realtime.comment.maxLength;
      assert.equal(max, 200);
      assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: '' }), '弹幕内容不能为空');
      assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: ' \n\t\u3000' }), '弹幕内容不能为空');
      assert.equal(await refusal(socket, 'comment', { live_id: live.id }), '弹幕内容不能为空');
      assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: 'x'.repeat(max + 1) }), `弹幕内容不能超过 ${max} 个字`);
      assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: 42 }), '弹幕内容必须是字符串');
      assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: 'a\uD800b' }), '弹幕内容包含无效字符');
      assert.equal(await app.model.Comment.count({ where: { live_id: live.id } }), 0);
      // The limit counts characters: 200 emoji (400 UTF-16 units) pass.
      await ok(socket, 'comment', { live_id: live.id, data: '😀'.repeat(max) });
    });

    it('allows config.realtime.comment.limit comments per window per user per room, then refuses until the window passes', async () => {
      mm(app.config.realtime.comment, 'window', 1);
      const { live } = await openLive();
      const { live: other } = await openLive();
      const user = await registerAndLogin();
      const socket = await connect(socketApp.url, { token: user.token });
      for (let i = 0; i < 5; i++) await ok(socket, 'comment', { live_id: live.id, data: `c${i}` });
      assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: 'too many' }), '发言太频繁，每 1 秒最多 5 条');
      // Another room has its own count.
      await ok(socket, 'comment', { live_id: other.id, data: 'elsewhere' });
      await sleep(1100);
      await ok(socket, 'comment', { live_id: live.id, data: 'later' });
      const rows = await app.model.Comment.findAll({ where: { live_id: live.id }, order: [[ 'id', 'ASC' ]] });
      assert.deepEqual(rows.map(row => row.content), [ 'c0', 'c1', 'c2', 'c3', 'c4', 'later' ]);
    });
  });
});
