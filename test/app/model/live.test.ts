import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { QueryTypes } from 'sequelize';
import { registerAndLogin } from '../../support';

describe('test/app/model/live.test.ts', () => {
  it('reads a live with its owner, created_time as the course shows it, and the status default', async () => {
    const owner = await registerAndLogin();
    const ctx = app.mockContext();
    const created = await app.model.Live.create({ title: '测试直播间', key: ctx.randomString(20), user_id: owner.id });
    const live = await app.model.Live.findOne({
      where: { id: created.id },
      include: [{ model: app.model.User, attributes: [ 'id', 'username', 'avatar' ] }],
    });
    assert(live);
    assert.equal(live.status, 0);
    assert.equal(live.look_count, 0);
    assert.equal(live.coin, 0);
    assert.equal(live.cover, '');
    assert.deepEqual(live.user?.toJSON(), { id: owner.id, username: owner.username, avatar: '' });
    const json = live.toJSON() as unknown as Record<string, unknown>;
    assert.match(String(json.created_time), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert(json.updated_time instanceof Date);
  });

  it('refuses a second live with the same key', async () => {
    const owner = await registerAndLogin();
    const key = app.mockContext().randomString(20);
    await app.model.Live.create({ title: 'a', key, user_id: owner.id });
    await assert.rejects(app.model.Live.create({ title: 'b', key, user_id: owner.id }), { name: 'SequelizeUniqueConstraintError' });
  });

  it('keeps coins past 2^32 − 1 exact, read back as numbers, and refuses a sum past BIGINT UNSIGNED rather than clamping it', async () => {
    const owner = await registerAndLogin();
    const live = await app.model.Live.create({ title: 'rich', key: app.mockContext().randomString(20), user_id: owner.id, coin: 2 ** 32 + 7 });
    await app.model.User.update({ coin: Number.MAX_SAFE_INTEGER }, { where: { id: owner.id } });
    assert.strictEqual((await app.model.Live.findByPk(live.id))?.coin, 2 ** 32 + 7);
    assert.strictEqual((await app.model.User.findByPk(owner.id))?.toJSON().coin, Number.MAX_SAFE_INTEGER);
    const info = await app.httpRequest().get('/api/user/info').set('token', owner.token)
      .expect(200);
    assert.strictEqual(info.body.data.coin, Number.MAX_SAFE_INTEGER);
    await app.model.query('UPDATE live SET coin = 18446744073709551615 WHERE id = ?', { replacements: [ live.id ] });
    await assert.rejects(app.model.Live.increment('coin', { where: { id: live.id } }), /out of range/i);
    await assert.rejects(app.model.query('UPDATE live SET coin = 18446744073709551616 WHERE id = ?', { replacements: [ live.id ] }), /out of range/i);
    const [ row ] = await app.model.query<{ coin: string }>('SELECT CAST(coin AS CHAR) AS coin FROM live WHERE id = ?',
      { replacements: [ live.id ], type: QueryTypes.SELECT });
    assert.equal(row.coin, '18446744073709551615');
    // Past 2^53 a coin would read back as a string: no such room is left for other tests' lists.
    await live.destroy();
  });

  it('refuses a negative coin balance at the database', async () => {
    const owner = await registerAndLogin();
    await assert.rejects(app.model.User.decrement({ coin: 1 }, { where: { id: owner.id } }), /out of range/i);
    const user = await app.model.User.findByPk(owner.id);
    assert.equal(user?.coin, 0);
  });

  it('follows the stream: not started or paused goes live when it starts, live pauses when it stops, ended stays', async () => {
    const owner = await registerAndLogin();
    const { Live } = app.model;
    const room = async (status: number) => Live.create({ title: 's', key: app.mockContext().randomString(20), user_id: owner.id, status });
    const statusOf = async (id: number) => (await Live.findByPk(id))?.status;

    for (const from of [ 0, 2 ]) {
      const live = await room(from);
      assert.equal(await Live.streamStarted(live.key), true);
      assert.equal(await statusOf(live.id), 1);
      assert.equal(await Live.streamStarted(live.key), false);
      assert.equal(await Live.streamStopped(live.key), true);
      assert.equal(await statusOf(live.id), 2);
      assert.equal(await Live.streamStopped(live.key), false);
      assert.equal(await statusOf(live.id), 2);
    }
    const ended = await room(3);
    assert.equal(await Live.streamStarted(ended.key), false);
    assert.equal(await Live.streamStopped(ended.key), false);
    assert.equal(await statusOf(ended.id), 3);
    assert.equal(await Live.streamStarted('no-such-key'), false);
  });
});
