import assert from 'node:assert';
import http from 'node:http';
import { once } from 'node:events';
import { AddressInfo } from 'node:net';
import { app, mm } from 'egg-mock/bootstrap';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const mockHttpServer = require('egg-mock/lib/mock_http_server');
import { until } from '../../lib/until';
import { registerAndLogin } from '../../support';
import {
  Client, connect, OnlineEvent, openLive, publicIdOf, record, request, useSocketTests,
} from '../../socket_support';

// A socket.io event as one polling request carries it (engine.io 3's `<length>:<packet>` framing).
function pollingBody(event: string, payload: unknown): string {
  const packet = `42${JSON.stringify([ event, payload ])}`;
  return `${packet.length}:${packet}`;
}

// What another party can do with a session id on namespace '/': post to that session's polling connection.
function postAs(url: string, sid: string, body: string) {
  return fetch(`${url}/socket.io/?EIO=3&transport=polling&sid=${encodeURIComponent(sid)}`, {
    method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body,
  });
}

// A socket's id is its engine.io session id: whoever knows it can act as the socket. The room is never told one.
describe('test/app/io/session_ids.test.ts', () => {
  const socketApp = useSocketTests();

  async function joined(transports: string[]) {
    const user = await registerAndLogin();
    const socket = await connect(socketApp.url, { token: user.token, transports });
    return { user, socket };
  }

  async function join(socket: Client, liveId: number) {
    assert.deepEqual((await request(socket, 'joinLive', { live_id: liveId })).data, { action: 'ok', payload: 'ok' });
  }

  it('lists every socket in `clients` by its public id, the same in every event, and sends no real id', async () => {
    const { live } = await openLive();
    const sockets = [ (await joined([ 'polling' ])).socket, (await joined([ 'websocket' ])).socket, (await joined([ 'websocket' ])).socket ];
    const heard = sockets.map(socket => record<OnlineEvent>(socket, 'online'));
    for (const socket of sockets) await join(socket, live.id);
    await until('every socket to hear all three', () => heard.every(events => events.some(event => event.count === 3)));
    await request(sockets[2], 'leaveLive', { live_id: live.id });
    await until('a leave', () => heard[0].some(event => event.action === 'leave'));

    const ids = sockets.map(publicIdOf);
    for (const events of heard) {
      for (const event of events) {
        const text = JSON.stringify(event);
        for (const socket of sockets) assert(!text.includes(socket.id), `${socket.id} in ${text}`);
        // Each socket has one public id in every event; the newest first (they joined in order, the last one left).
        assert.deepEqual(event.clients, ids.slice(0, event.clients.length).reverse());
      }
    }
  });

  it('gives a room member nothing to post with as another member on polling: its ids are no session', async () => {
    const { live } = await openLive();
    const victim = await joined([ 'polling' ]);
    await join(victim.socket, live.id);
    const attacker = await joined([ 'websocket' ]);
    const online = record<OnlineEvent>(attacker.socket, 'online');
    const comments = record<{ user: { id: number }; content: string }>(attacker.socket, 'comment');
    await join(attacker.socket, live.id);
    await until('the online list of both', () => online.some(event => event.count === 2));

    const forged = pollingBody('comment', { live_id: live.id, data: 'forged' });
    const told = online.filter(event => event.count === 2).pop()!.clients;
    assert.equal(told.length, 2);
    for (const id of told) {
      const res = await postAs(socketApp.url, id, forged);
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { code: 1, message: 'Session ID unknown' });
    }
    // The same request with the real id (which no one else is told) does post: that id is the credential.
    assert.equal((await postAs(socketApp.url, victim.socket.id, pollingBody('comment', { live_id: live.id, data: 'own' }))).status, 200);
    await until('the victim\'s own comment', () => comments.length === 1);
    assert.deepEqual(comments.map(comment => [ comment.user.id, comment.content ]), [[ victim.user.id, 'own' ]]);
    assert.equal(await app.model.Comment.count({ where: { live_id: live.id, content: 'forged' } }), 0);
  });

  describe('SOCKET_TRANSPORTS=websocket', () => {
    let websocketOnly: ReturnType<typeof mm.app>;
    let server: http.Server;
    let onlyUrl: string;
    before(async () => {
      mm(process.env, 'SOCKET_TRANSPORTS', 'websocket');
      websocketOnly = mm.app({ cache: false });
      await websocketOnly.ready();
      mm.restore();
      server = mockHttpServer(websocketOnly);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      onlyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server?.close();
      await websocketOnly?.close();
    });

    it('refuses a polling handshake, and a polling client cannot connect', async () => {
      const res = await fetch(`${onlyUrl}/socket.io/?EIO=3&transport=polling`);
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { code: 0, message: 'Transport unknown' });
      await assert.rejects(connect(onlyUrl, { transports: [ 'polling' ] }));
    });

    it('serves WebSocket clients as before', async () => {
      const { live } = await openLive();
      const user = await registerAndLogin();
      const socket = await connect(onlyUrl, { token: user.token });
      const online = record<OnlineEvent>(socket, 'online');
      await join(socket, live.id);
      await until('its online event', () => online.length > 0);
      assert.deepEqual(online[online.length - 1].clients, [ publicIdOf(socket) ]);
    });
  });
});
