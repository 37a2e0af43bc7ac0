import { createHmac } from 'node:crypto';

// What a room is told in place of a socket's id (the `clients` of `online`). On namespace '/' a socket's id is its
// engine.io session id, and engine.io takes any request that carries it as that session's: whoever knows it can send
// events as that socket or take its connection over. So the id never leaves the server; rooms get an HMAC of it,
// stable for the socket's life (clients de-duplicate by it) and of no use to anyone without config.keys.

// As long as a socket.io id, in the same alphabet (base64url): 120 bits.
export const PUBLIC_SOCKET_ID_LENGTH = 20;

// Ids already made: every online event lists up to 100 sockets, and one HMAC costs several µs. Past this many the
// memo starts again, so it stays under a megabyte.
const MEMO_LIMIT = 4096;

let current: { keys: string; key: Buffer; memo: Map<string, string> } | undefined;

// A key of its own, derived from config.keys, so these digests never equal a cookie signature made with the keys.
function stateOf(keys: string) {
  if (current?.keys !== keys) {
    current = { keys, key: createHmac('sha256', keys).update('cilicl-live public socket id').digest(), memo: new Map() };
  }
  return current;
}

export function publicSocketId(keys: string, socketId: string): string {
  const { key, memo } = stateOf(keys);
  let id = memo.get(socketId);
  if (id === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    id = createHmac('sha256', key).update(socketId).digest('base64url')
      .slice(0, PUBLIC_SOCKET_ID_LENGTH);
    memo.set(socketId, id);
  }
  return id;
}
