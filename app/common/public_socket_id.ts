import { createHmac } from 'node:crypto';

// What a room is told in place of a socket's id (the `clients` of `online`). On namespace '/' a socket's id is its
// engine.io session id, and engine.io takes any request that carries it as that session's: whoever knows it can send
// events as that socket or take its connection over. So the id never leaves the server; rooms get an HMAC of it,
// stable for the socket's life (clients de-duplicate by it) and of no use to anyone without config.keys.

// As long as a socket.io id, in the same alphabet (base64url): 120 bits.
export const PUBLIC_SOCKET_ID_LENGTH = 20;

// Its own key, derived from config.keys, so these digests never equal a cookie signature made with the keys.
const derived = new Map<string, Buffer>();
function keyOf(keys: string): Buffer {
  let key = derived.get(keys);
  if (!key) {
    key = createHmac('sha256', keys).update('cilicl-live public socket id').digest();
    derived.set(keys, key);
  }
  return key;
}

export function publicSocketId(keys: string, socketId: string): string {
  const digest = createHmac('sha256', keyOf(keys)).update(socketId).digest('base64url');
  return digest.slice(0, PUBLIC_SOCKET_ID_LENGTH);
}
