'use strict';

// The bare baseline of the socket scenarios: socket.io 2.x (the version egg-socket.io runs) in one process, with the
// app's engine options, that only puts sockets in rooms and broadcasts to them. No auth, no storage, no Redis.
const http = require('http');
const socketio = require('socket.io');

const server = http.createServer((req, res) => {
  // Anything socket.io does not take: the readiness check.
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('ok\n');
});
const io = socketio(server, { wsEngine: 'ws', maxHttpBufferSize: 64 * 1024 });

io.on('connection', socket => {
  // Acknowledged in the app's shape (helper.parseMsg).
  const reply = (ack, payload) => typeof ack === 'function' && ack({ meta: { timestamp: Date.now() }, data: { action: 'ok', payload } });
  socket.on('joinLive', (payload, ack) => {
    const room = `live_${payload && payload.live_id}`;
    socket.join(room, () => reply(ack, 'ok'));
  });
  socket.on('comment', (payload, ack) => {
    io.to(`live_${payload.live_id}`).emit('comment', { user: { id: 0, name: 'bare', avatar: '' }, content: payload.data });
    reply(ack, 'ok');
  });
});

server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
