// Owns the auth bench's blocking client (encoder-client.c): building it with the machine's C compiler, writing the
// commands it sends (the Node client's own, from rtmp-client.ts) and reading its one-line result. Without a compiler
// the bench says so and leaves its rows out.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CREATE_STREAM,
  connectMessage,
  publishMessage,
  type RtmpPublishTarget,
  type TimedPublish,
} from './rtmp-client.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** beside this file when run from source; from dist/node/test/bench, in test/bench (tsc does not copy C files) */
export const ENCODER_CLIENT_SOURCE =
  [
    path.join(HERE, 'encoder-client.c'),
    path.resolve(HERE, '..', '..', '..', '..', 'test', 'bench', 'encoder-client.c'),
  ].find((p) => fs.existsSync(p)) ?? path.join(HERE, 'encoder-client.c');

export interface EncoderClient {
  /** one publish, by a process of its own (it blocks; this process stays free to serve); closed once answered. The
   * code is NetStream.Publish.Start when accepted, else NetStream.Publish.Denied, _error, closed or timeout */
  publish(target: RtmpPublishTarget): Promise<TimedPublish>;
  dispose(): void;
}

/** Builds the client in a temporary folder; a string says why it cannot be (no compiler, a failed build). */
export function buildEncoderClient(source = ENCODER_CLIENT_SOURCE): EncoderClient | string {
  if (!fs.existsSync(source)) return `${source} is missing`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'klive-encoder-client-'));
  const binary = path.join(dir, 'encoder-client');
  const cc = process.env['CC'] ?? 'cc';
  const built = spawnSync(cc, ['-O2', '-o', binary, source], { encoding: 'utf8' });
  if (built.error || built.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    const why = built.error ? built.error.message : built.stderr.trim().split('\n')[0];
    return `no C compiler to build the blocking client (${cc}: ${why}); install one (apt-get install -y gcc) or set CC`;
  }
  const files = new Map<string, string[]>();
  const filesFor = (target: RtmpPublishTarget): string[] => {
    const key = `${target.port} ${target.app} ${target.streamName}`;
    let paths = files.get(key);
    if (!paths) {
      const prefix = path.join(dir, `t${files.size}`);
      paths = [`${prefix}.connect`, `${prefix}.create`, `${prefix}.publish`];
      fs.writeFileSync(paths[0] as string, connectMessage(target));
      fs.writeFileSync(paths[1] as string, CREATE_STREAM);
      fs.writeFileSync(paths[2] as string, publishMessage(target.streamName, 1));
      files.set(key, paths);
    }
    return paths;
  };
  return {
    publish(target) {
      return new Promise((resolve, reject) => {
        execFile(binary, [String(target.port), ...filesFor(target)], { timeout: 30_000 }, (error, stdout, stderr) => {
          if (error) reject(new Error(`the blocking client failed: ${stderr.trim() || error.message}`));
          else resolve(parseEncoderLine(stdout));
        });
      });
    },
    dispose() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `CODE total tcp handshake connect createStream publish` (ms), or a bare code when there was no answer. */
export function parseEncoderLine(line: string): TimedPublish {
  const [code = 'closed', ...rest] = line.trim().split(/\s+/);
  const ms = rest.map(Number);
  const at = (i: number): number => (ms.length === 6 && Number.isFinite(ms[i]) ? (ms[i] as number) : Number.NaN);
  return {
    code,
    elapsedMs: at(0),
    stepsMs: { tcp: at(1), handshake: at(2), connect: at(3), createStream: at(4), publish: at(5) },
  };
}
