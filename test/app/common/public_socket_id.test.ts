import assert from 'node:assert';
import { createHmac } from 'node:crypto';
import { PUBLIC_SOCKET_ID_LENGTH, publicSocketId } from '../../../app/common/public_socket_id';

describe('test/app/common/public_socket_id.test.ts', () => {
  const keys = 'some-cookie-keys';
  const socketId = 'sPjbTKeiIjL8H1wyAAAA';

  it('is the same for one socket every time, and shaped like a socket.io id (20 base64url characters)', () => {
    const id = publicSocketId(keys, socketId);
    assert.equal(publicSocketId(keys, socketId), id);
    assert.equal(PUBLIC_SOCKET_ID_LENGTH, 20);
    assert.match(id, /^[A-Za-z0-9_-]{20}$/);
  });

  it('is not the socket id, differs between sockets, and differs under other keys', () => {
    const id = publicSocketId(keys, socketId);
    assert.notEqual(id, socketId);
    assert.notEqual(publicSocketId(keys, 'qa9qNqoP-4mB-IObAAAB'), id);
    assert.notEqual(publicSocketId('other-cookie-keys', socketId), id);
    // More sockets than the memo keeps: each still gets its own id, and the first one the same id as before.
    const first = publicSocketId(keys, 'socket0');
    const ids = new Set(Array.from({ length: 10000 }, (_, i) => publicSocketId(keys, `socket${i}`)));
    assert.equal(ids.size, 10000);
    assert.equal(publicSocketId(keys, 'socket0'), first);
    assert.equal(publicSocketId(keys, socketId), id);
  });

  it('is an HMAC-SHA256 under a key of its own derived from the keys, not under the keys themselves', () => {
    const hmac = (key: string | Buffer) => createHmac('sha256', key).update(socketId).digest('base64url');
    const derived = createHmac('sha256', keys).update('cilicl-live public socket id').digest();
    assert.equal(publicSocketId(keys, socketId), hmac(derived).slice(0, 20));
    assert.notEqual(publicSocketId(keys, socketId), hmac(keys).slice(0, 20));
  });
});
