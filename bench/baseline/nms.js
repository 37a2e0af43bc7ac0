'use strict';

// The bare baseline of media-fanout: Node-Media-Server (the version in node_modules), auth off, nothing but its RTMP
// and HTTP-FLV listeners, as app/lib/media_server.ts starts them (NodeMediaServer.run() would also open a JSON store
// under ./data). Its log goes to the same threshold as the project's (MEDIA_LOG_LEVEL, default warn).
// PORT answers 200 once both listeners listen: the harness's readiness check.
const http = require('node:http');
const NodeMediaServer = require('node-media-server');
const logger = require('node-media-server/src/core/logger.js');

const bind = '127.0.0.1';
const nms = new NodeMediaServer({
  bind,
  rtmp: { port: Number(process.env.RTMP_PORT) },
  http: { port: Number(process.env.FLV_PORT) },
  webadmin: { enable: false },
  auth: { publish: false, play: false },
});
logger.level = process.env.MEDIA_LOG_LEVEL || 'warn';
nms.rtmpServer.run();
nms.httpServer.run();

const listening = server => new Promise(resolve => (server.listening ? resolve() : server.once('listening', resolve)));
Promise.all([ nms.rtmpServer.tcpServer, nms.httpServer.httpServer ].map(listening)).then(() => {
  http.createServer((req, res) => res.end('ok\n')).listen(Number(process.env.PORT), bind);
});

for (const signal of [ 'SIGTERM', 'SIGINT' ]) process.once(signal, () => process.exit(0));
