import assert from 'node:assert';
import { Socket } from 'socket.io';
import { liveRoom, onlineUserOf, sessionOf, socketUserOf } from '../../../app/lib/socket_session';

describe('test/app/lib/socket_session.test.ts', () => {
  it('sessionOf keeps one session per socket, for as long as the socket', () => {
    const socket = {} as Socket;
    const session = sessionOf(socket);
    assert.equal(session.pending, 0);
    assert.equal(session.lives.size, 0);
    assert.equal(session.connectionToken, undefined);
    session.lives.set(1, { id: 2, name: 'u', avatar: '' });
    assert.equal(sessionOf(socket), session);
    assert.notEqual(sessionOf({} as Socket), session);
    assert.equal(sessionOf({} as Socket).lives.size, 0);
  });

  it('socketUserOf keeps only the fields rooms show, as a plain object', () => {
    const row = { id: 1, username: 'user1', nickname: 'N', avatar: '/a.png', password: 'scrypt$...', coin: 9 };
    const user = socketUserOf(row);
    assert.deepEqual(user, { id: 1, username: 'user1', nickname: 'N', avatar: '/a.png' });
    assert.equal(Object.getPrototypeOf(user), Object.prototype);
  });

  it('onlineUserOf shows the nickname, or the username without one', () => {
    assert.deepEqual(onlineUserOf({ id: 1, username: 'user1', nickname: 'N', avatar: '/a.png' }), { id: 1, name: 'N', avatar: '/a.png' });
    assert.deepEqual(onlineUserOf({ id: 1, username: 'user1', nickname: '', avatar: '' }), { id: 1, name: 'user1', avatar: '' });
  });

  it('names a live\'s socket.io room as the course does', () => {
    assert.equal(liveRoom(42), 'live_42');
  });
});
