import http from 'node:http';
import { once } from 'node:events';
import { AddressInfo } from 'node:net';
import { app, mm } from 'egg-mock/bootstrap';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const mockHttpServer = require('egg-mock/lib/mock_http_server');
import io from 'socket.io-client';
import { publicSocketId } from '../app/common/public_socket_id';
import assert from 'node:assert';
import { LiveStatus } from '../app/model/live';
import { until } from './lib/until';
import { registerAndLogin } from './support';

export type Client = SocketIOClient.Socket;

// The course's socket message shape.
export interface Reply {
  meta: { timestamp: number; notoast?: boolean };
  data: { action: string; payload: unknown };
}

export interface OnlineEvent {
  clients: string[];
  action: 'join' | 'leave';
  user: { id: number; name: string; avatar: string };
  data: Array<{ id: number; name: string; avatar: string }>;
  count: number;
}

let address: Promise<string> | undefined;

// The in-process test app listening for real. egg-mock made its HTTP server (and emitted 'server', which attaches
// socket.io) before the app was ready; that server is the one socket.io's connection middleware is set up for.
export function appUrl(): Promise<string> {
  address ??= (async () => {
    const server: http.Server = mockHttpServer(app);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  })();
  return address;
}

// The hooks of a file of socket tests: the app's URL before them, every client closed and every mock restored after
// each.
export function useSocketTests(): { readonly url: string } {
  const state = { url: '' };
  before(async () => {
    state.url = await appUrl();
  });
  afterEach(() => {
    closeClients();
    mm.restore();
  });
  return state;
}

const clients: Client[] = [];
const errors = new WeakMap<Client, string[]>();

// A socket.io 2 client over WebSocket (as uni-app's; or the given transports), connected; closed by closeClients().
export async function connect(url: string, options: { token?: string; localAddress?: string; transports?: string[] } = {}): Promise<Client> {
  const socket = io(url, {
    transports: options.transports ?? [ 'websocket' ],
    forceNew: true,
    reconnection: false,
    ...options.token ? { query: { token: options.token } } : {},
    ...options.localAddress ? { localAddress: options.localAddress } : {},
  } as SocketIOClient.ConnectOpts);
  clients.push(socket);
  const seen: string[] = [];
  errors.set(socket, seen);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      // In the connect handler itself: an error sent right after CONNECT may arrive in the same read.
      socket.on(socket.id, (reply: Reply) => seen.push(reply.data.payload as string));
      resolve();
    });
    socket.once('connect_error', reject);
  });
  return socket;
}

// How the `clients` of an `online` event name a socket: its public id, never its real one.
export function publicIdOf(socket: Client): string {
  return publicSocketId(app.config.keys, socket.id);
}

export function closeClients() {
  for (const socket of clients.splice(0)) socket.close();
}

// Emits an event with an acknowledgement callback and answers the server's reply.
export function request(socket: Client, event: string, ...args: unknown[]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${event} within 10 s`)), 10000);
    socket.emit(event, ...args, (reply: Reply) => {
      clearTimeout(timer);
      resolve(reply);
    });
  });
}

// Everything a socket receives on an event, from now on, in order.
export function record<T = unknown>(socket: Client, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

// The errors a socket connected by connect() was sent since it connected (the event named after its id).
export function errorsOf(socket: Client): string[] {
  return errors.get(socket)!;
}

// A live room of a fresh owner, in the given status (through the real API, then the status the test needs).
export async function openLive(status = LiveStatus.Live) {
  const owner = await registerAndLogin();
  const res = await app.httpRequest().post('/api/live/create').set('token', owner.token)
    .send({ title: 'socket room' })
    .expect(200);
  const live = res.body.data.data as { id: number; key: string };
  await app.model.Live.update({ status }, { where: { id: live.id } });
  return { owner, live };
}

// A logged-in user with this many coins (there is no recharge API: the test sets the balance).
export async function userWithCoins(coin: number) {
  const user = await registerAndLogin();
  await app.model.User.update({ coin }, { where: { id: user.id } });
  return user;
}

export type Viewer = Awaited<ReturnType<typeof registerAndLogin>>;

// The error a socket is sent for an event, checked on both channels: the acknowledgement and the event named
// after the socket's id (what course clients listen to).
export async function refusal(socket: Client, event: string, ...args: unknown[]): Promise<string> {
  const errors = errorsOf(socket);
  const before = errors.length;
  const reply = await request(socket, event, ...args);
  assert.equal(reply.data.action, 'error', JSON.stringify(reply));
  await until('the error event', () => errors.length > before);
  assert.deepEqual(errors.slice(before), [ reply.data.payload ]);
  return reply.data.payload as string;
}

// Sends an event and checks it was answered with the course's success reply.
export async function ok(socket: Client, event: string, payload: unknown) {
  const reply = await request(socket, event, payload);
  assert.deepEqual(reply.data, { action: 'ok', payload: 'ok' }, JSON.stringify(reply));
}

// The last `online` event recorded, once it reports `count` users.
export async function lastOnline(seen: OnlineEvent[], count: number): Promise<OnlineEvent> {
  await until(`an online event with count ${count}`, () => seen.length > 0 && seen[seen.length - 1].count === count);
  return seen[seen.length - 1];
}

// A live's online list as Redis holds it now.
export function snapshot(liveId: number) {
  return app.mockContext().service.online.snapshot(liveId, 100);
}

// How a user registered by registerAndLogin appears in an online list and in events.
export const profile = (user: Viewer) => ({ id: user.id, name: user.username, avatar: '' });

// The cheapest gift of the seeded catalogue that costs something.
export async function cheapestGift() {
  // From the catalogue as senders see it (the console hides gifts).
  const gifts = await app.model.Gift.findAll({ where: { hidden: false }, order: [[ 'coin', 'ASC' ], [ 'id', 'ASC' ]] });
  const { id, name, image, coin } = gifts.find(gift => gift.coin > 0)!;
  return { id, name, image, coin };
}
