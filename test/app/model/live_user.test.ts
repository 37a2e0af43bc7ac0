import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { registerAndLogin } from '../../support';

describe('test/app/model/live_user.test.ts', () => {
  it('records a user\'s first visit to a live once: a second row of the same pair is refused', async () => {
    const owner = await registerAndLogin();
    const viewer = await registerAndLogin();
    const { LiveUser, Live } = app.model;
    const live = await Live.create({ title: 'visits', key: app.mockContext().randomString(20), user_id: owner.id });
    const other = await Live.create({ title: 'visits', key: app.mockContext().randomString(20), user_id: owner.id });
    await LiveUser.create({ user_id: viewer.id, live_id: live.id });
    await assert.rejects(LiveUser.create({ user_id: viewer.id, live_id: live.id }), { name: 'SequelizeUniqueConstraintError' });
    // Another live, or another user, is another visit.
    await LiveUser.create({ user_id: viewer.id, live_id: other.id });
    await LiveUser.create({ user_id: owner.id, live_id: live.id });
    assert.equal(await LiveUser.count({ where: { live_id: live.id } }), 2);
  });
});
