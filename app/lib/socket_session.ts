import { Socket } from 'socket.io';
import { InferAttributes } from 'sequelize';
import { User } from '../model/user';

// Who a socket's events come from: the few fields rooms show, as a plain object (a model instance weighs several KB,
// and every connected socket keeps one).
export type SocketUser = Pick<InferAttributes<User>, 'id' | 'username' | 'nickname' | 'avatar'>;

export function socketUserOf({ id, username, nickname, avatar }: SocketUser): SocketUser {
  return { id, username, nickname, avatar };
}

// How a user appears in a room's online list and in the `online` event.
export interface OnlineUser {
  id: number;
  name: string;
  avatar: string;
}

// What a worker remembers of one of its sockets, for as long as the socket lives.
export interface SocketSession {
  // The token given at connection (io(url, { query: { token } })), used when an event carries none.
  connectionToken?: string;
  // The last token checked for this socket, its user, and when Redis last confirmed it.
  auth?: { token: string; user: SocketUser; checkedAt: number; expiresAt: number };
  // The lives this socket has joined, with the user it is listed as: what disconnect and the heartbeat work from.
  lives: Map<number, OnlineUser>;
  // The socket's events run one after another: the tail of that line and how many wait in it.
  queue: Promise<void>;
  pending: number;
}

const sessions = new WeakMap<Socket, SocketSession>();

export function sessionOf(socket: Socket): SocketSession {
  let session = sessions.get(socket);
  if (!session) {
    session = { lives: new Map(), queue: Promise.resolve(), pending: 0 };
    sessions.set(socket, session);
  }
  return session;
}

export function onlineUserOf(user: SocketUser): OnlineUser {
  return { id: user.id, name: user.nickname || user.username, avatar: user.avatar };
}

// The socket.io room of a live (the course's name).
export const liveRoom = (liveId: number) => `live_${liveId}`;
