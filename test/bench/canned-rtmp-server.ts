// Owns the auth bench's reference server: a process that answers the four round trips of an RTMP publish (handshake,
// connect, createStream, publish) at once with fixed bytes, deciding nothing. Timed with the same client, it is the
// floor of the auth figure on this machine: two processes, loopback and the client's own work. The station's share
// of the cached figure is what it adds above this. Run as a child: prints `port N` once listening (tests make the
// server in-process with cannedRtmpServer()).
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { connectResult, createStreamResult, publishStart } from '../../main/ingest/rtmp-answers.js';

const S0S1S2 = Buffer.concat([Buffer.from([3]), Buffer.alloc(2 * 1536)]);
/** Set Chunk Size 65535 before the connect answer, as NMS announces it (the answer is longer than RTMP's 128) */
const SET_CHUNK_SIZE = Buffer.from('020000000000040100000000' + '0000ffff', 'hex');
const ANSWERS = [
  Buffer.concat([SET_CHUNK_SIZE, connectResult(1, 0)]),
  createStreamResult(2, 1),
  publishStart(1, 'kLive', 'bench_1') as Buffer,
];
/** the command each answer follows, as it appears in the client's AMF0 */
const ASKS = ['connect', 'createStream', 'publish'].map((name) => Buffer.from(name, 'latin1'));

/** The canned server, not yet listening. */
export function cannedRtmpServer(): net.Server {
  return net.createServer((socket) => {
    socket.setNoDelay(true);
    let received = Buffer.alloc(0);
    let step = -1;
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (step === -1) {
        if (received.length < 1537) return;
        socket.write(S0S1S2);
        received = received.subarray(1537);
        step = 0;
      }
      while (step < ASKS.length && received.includes(ASKS[step] as Buffer)) {
        received = received.subarray(received.indexOf(ASKS[step] as Buffer) + 1);
        socket.write(ANSWERS[step] as Buffer);
        step += 1;
      }
    });
    socket.on('error', () => socket.destroy());
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = cannedRtmpServer();
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(`port ${typeof address === 'object' && address ? address.port : 0}`);
  });
  process.on('SIGTERM', () => process.exit(0));
}
