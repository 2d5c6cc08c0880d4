/**
 * The baseline of the idle-connection bench: a plain Socket.io server with EchoTune's server options on
 * the `/chat` namespace, and nothing else (no authentication, rooms, store or logger). Prints the line
 * EchoTune prints when it listens, so both start the same way.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { CHAT_NAMESPACE } from '../../src/protocol/index.js';

const http = createServer();
// EchoTune's options (src/gateway/create-gateway.ts).
const io = new Server(http, { cors: { origin: '*' }, maxHttpBufferSize: 64 * 1024, serveClient: false });
io.of(CHAT_NAMESPACE);
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  console.log(`open http://127.0.0.1:${address.port} in your browser`);
});
process.on('SIGTERM', () => {
  io.close();
  process.exit(0);
});
