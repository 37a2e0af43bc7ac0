import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { until } from '../../../media_support';
import { registerAndLogin } from '../../../support';
import { appUrl, closeClients, connect, OnlineEvent, openLive, record, request } from '../../../socket_support';

describe('test/app/io/controller/nsp.test.ts', () => {
  let url: string;
  before(async () => { url = await appUrl(); });
  afterEach(closeClients);

  describe('joinLive', () => {
    it('lists the user, tells the room, and counts the first visit once', async () => {
      const { live } = await openLive();
      const viewer = await registerAndLogin();
      const socket = await connect(url);
      const online = record<OnlineEvent>(socket, 'online');
      const reply = await request(socket, 'joinLive', { live_id: live.id, token: viewer.token });
      assert.deepEqual(reply.data, { action: 'ok', payload: 'ok' });
      await until('the online event', () => online.length > 0);
      const event = online[online.length - 1];
      assert.equal(event.action, 'join');
      assert.deepEqual(event.user, { id: viewer.id, name: viewer.username, avatar: '' });
      assert.deepEqual(event.data, [ event.user ]);
      assert.deepEqual(event.clients, [ socket.id ]);
      assert.equal(event.count, 1);
      assert.equal((await app.model.Live.findByPk(live.id))?.look_count, 1);
    });
  });
});
