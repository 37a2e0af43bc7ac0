import assert from 'node:assert';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expectLogged, logMark, MediaCluster } from '../../media_cluster';
import { RawRtmp } from '../../media_support';

interface Client {
  socket: net.Socket;
  closed: boolean;
}

// The media ports with 12 connections in all and 5 per client address; clients come from 127.0.0.x (all loopback).
describe('test/app/lib/connection_limits.test.ts', function() {
  this.timeout(120000);
  const media = new MediaCluster();
  const clients: Client[] = [];

  before(() => media.start({ MEDIA_MAX_CONNECTIONS: '12', MEDIA_MAX_CONNECTIONS_PER_IP: '5' }));

  afterEach(async () => {
    for (const { socket } of clients.splice(0)) socket.destroy();
    // The server counts a connection off when it sees it close.
    await sleep(300);
  });

  after(() => media.close());

  async function connect(port: number, from: string): Promise<Client> {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
    socket.on('error', () => undefined);
    const client = { socket, closed: false };
    socket.once('close', () => { client.closed = true; });
    await once(socket, 'connect');
    socket.resume();
    clients.push(client);
    return client;
  }

  // A connection the server has taken: it answered an HTTP request, or the start of an RTMP handshake. (The kernel
  // accepts connections before the agent sees them, and not in the order they came on two ports.)
  async function served(port: number, from: string): Promise<Client> {
    const client = await connect(port, from);
    client.socket.write(port === media.flvPort ? 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' : Buffer.alloc(1537, 3));
    await once(client.socket, 'data');
    return client;
  }

  // Opens `count` connections from `from`: `flv` of them to the HTTP-FLV port, the others to the RTMP port.
  async function open(from: string, count: number, flv: number): Promise<Client[]> {
    const opened: Client[] = [];
    for (let i = 0; i < count; i++) opened.push(await served(i < flv ? media.flvPort : media.rtmpPort, from));
    return opened;
  }

  // What the server did with connections within half a second: refused ones are closed by then.
  async function closedSoon(opened: Client[]): Promise<boolean[]> {
    await sleep(500);
    return opened.map(client => client.closed);
  }

  it('refuses a sixth connection from one address at once, on either port, and takes it again once one closes', async () => {
    const mark = await logMark();
    const admitted = await open('127.0.0.2', 5, 3);
    const extra = [ await connect(media.flvPort, '127.0.0.2'), await connect(media.rtmpPort, '127.0.0.2') ];
    const other = await served(media.flvPort, '127.0.0.3');
    assert.deepEqual(await closedSoon([ ...extra, ...admitted, other ]), [ true, true, false, false, false, false, false, false ]);
    await expectLogged(mark, [
      /WARN .*\[media\] HTTP-FLV connection from 127\.0\.0\.2 refused: 5 open from this address \(MEDIA_MAX_CONNECTIONS_PER_IP\)/,
    ]);

    admitted[0].socket.destroy();
    await sleep(300);
    const again = await connect(media.flvPort, '127.0.0.2');
    // An admitted connection is served as before: the HTTP port answers it, the RTMP port shakes hands.
    again.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const [ answer ] = await once(again.socket, 'data') as [ Buffer ];
    assert.match(answer.toString('latin1'), /^HTTP\/1\.1 404 /);
    assert.deepEqual(await closedSoon([ again ]), [ false ]);
    const rtmp = await RawRtmp.connect(media.rtmpPort);
    rtmp.socket.destroy();
  });

  it('refuses connections past 12 in all at once, on either port, from any address', async () => {
    const mark = await logMark();
    const admitted = [ ...await open('127.0.0.4', 5, 2), ...await open('127.0.0.5', 5, 3), ...await open('127.0.0.6', 2, 1) ];
    const extra = [ await connect(media.flvPort, '127.0.0.6'), await connect(media.rtmpPort, '127.0.0.7') ];
    assert.deepEqual(await closedSoon([ ...extra, ...admitted ]), [ true, true, ...admitted.map(() => false) ]);
    await expectLogged(mark, [ /WARN .*\[media\] HTTP-FLV connection from 127\.0\.0\.6 refused: 12 open in all \(MEDIA_MAX_CONNECTIONS\)/ ]);
  });
});
