import assert from 'node:assert';
import { once } from 'node:events';
import http from 'node:http';
import net, { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { isRoomStream, onlyRoomStreams } from '../../../app/lib/flv_guard';

describe('test/app/lib/flv_guard.test.ts', () => {
  const key = 'L3V8KhRHin40gNug58zy';
  let server: http.Server;
  let wsServer: WebSocket.Server;
  let base: string;

  // Stands in for Node-Media-Server's own listeners: whatever reaches them answers 'stream'.
  before(async () => {
    server = http.createServer((_req, res) => res.end('stream'));
    wsServer = new WebSocket.Server({ server });
    wsServer.on('connection', ws => ws.send('stream'));
    onlyRoomStreams(server, wsServer);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    wsServer.close();
    server.close();
  });

  it('knows a room stream by its path: /live/<20-character key>.flv, with any query', () => {
    assert(isRoomStream(`/live/${key}.flv`));
    assert(isRoomStream(`/live/${key}.flv?sign=1-2`));
    for (const url of [ '/', `/live/${key}`, `/other/${key}.flv`, `/live/${key}x.flv`, '/live/a%20b.flv', `/live/${key}.flv/x` ]) {
      assert(!isRoomStream(url), url);
    }
  });

  it('passes GET, HEAD and OPTIONS of a room stream on, and answers 404 to anything else', async () => {
    for (const method of [ 'GET', 'OPTIONS' ]) {
      const res = await fetch(`http://${base}/live/${key}.flv?sign=x`, { method });
      assert.equal(await res.text(), 'stream', method);
    }
    assert.equal((await fetch(`http://${base}/live/${key}.flv`, { method: 'HEAD' })).status, 200);
    for (const [ method, url ] of [[ 'POST', `/live/${key}.flv` ], [ 'GET', '/admin/' ], [ 'GET', '/api/v1/info' ]]) {
      const res = await fetch(`http://${base}${url}`, { method });
      assert.equal(res.status, 404, `${method} ${url}`);
      assert.equal(await res.text(), 'Not Found\n');
    }
  });

  it('answers 404 to a request line that is no URL (`//`, `\\\\`) rather than leaving it open', async () => {
    for (const target of [ '//', '//[', '\\\\' ]) assert(!isRoomStream(target), target);
    const [ host, port ] = base.split(':');
    for (const target of [ '//', '//[' ]) {
      const socket = net.connect(Number(port), host);
      socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const chunks: Buffer[] = [];
      socket.on('data', chunk => chunks.push(chunk));
      await Promise.race([ once(socket, 'close'), sleep(3000) ]);
      socket.destroy();
      assert.match(Buffer.concat(chunks).toString(), /^HTTP\/1\.1 404 /, target);
    }
  });

  it('passes a WebSocket to a room stream on, and closes one to any other path (1008)', async () => {
    const player = new WebSocket(`ws://${base}/live/${key}.flv`);
    const [ message ] = await once(player, 'message');
    assert.equal(message.toString(), 'stream');
    player.close();
    const other = new WebSocket(`ws://${base}/live/a%20b.flv`);
    const [ code, reason ] = await once(other, 'close');
    assert.deepEqual([ code, reason.toString() ], [ 1008, 'not a room stream' ]);
  });

  it('closes a WebSocket that offers a subprotocol (a would-be publisher) before the server sees it', async () => {
    for (const protocol of [ 'publisher', 'post', 'anything' ]) {
      const publisher = new WebSocket(`ws://${base}/live/${key}.flv`, protocol);
      const received: string[] = [];
      publisher.on('message', data => received.push(data.toString()));
      const [ code, reason ] = await once(publisher, 'close');
      assert.deepEqual([ code, reason.toString(), received ], [ 1008, 'publishing is over RTMP only', []], protocol);
    }
  });
});
