// Spawns a real FFmpeg publisher (lavfi test pattern + tone) to the station's RTMP port, in the OBS
// wire form (query on the app, key as the publish name) or the stream-key-query form.
import { spawn, type ChildProcess } from 'node:child_process';

export interface PublishTarget {
  rtmpPort: number;
  partnerId: number | string;
  entryId: string;
  token: string;
  index?: number | string;
  streamName?: string;
  form?: 'obs' | 'key';
}

export interface PublisherOptions {
  width?: number;
  height?: number;
  fps?: number;
  videoBitrateKbps?: number;
  gopFrames?: number;
  audio?: boolean;
  durationSeconds?: number;
}

export interface Publisher {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export function publishUrlArgs(target: PublishTarget): string[] {
  const query = `p=${target.partnerId}&e=${target.entryId}&i=${target.index ?? 0}&t=${target.token}`;
  const streamName = target.streamName ?? `${target.entryId}_1`;
  const base = `rtmp://127.0.0.1:${target.rtmpPort}`;
  if ((target.form ?? 'obs') === 'obs') {
    return ['-rtmp_app', `kLive/?${query}`, '-rtmp_playpath', streamName, '-rtmp_tcurl', `${base}/kLive/?${query}`, `${base}/kLive`];
  }
  return [`${base}/kLive/${streamName}?${query}`];
}

export function startPublisher(target: PublishTarget, options: PublisherOptions = {}): Publisher {
  const width = options.width ?? 320;
  const height = options.height ?? 180;
  const fps = options.fps ?? 15;
  const gop = options.gopFrames ?? fps * 2;
  const inputs = ['-re', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`];
  if (options.audio !== false) inputs.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100');
  const args = [
    '-hide_banner', '-loglevel', 'warning', '-nostdin',
    ...inputs,
    ...(options.durationSeconds ? ['-t', String(options.durationSeconds)] : []),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
    '-b:v', `${options.videoBitrateKbps ?? 300}k`, '-maxrate', `${options.videoBitrateKbps ?? 300}k`, '-bufsize', `${(options.videoBitrateKbps ?? 300) * 2}k`,
    ...(options.audio !== false ? ['-c:a', 'aac', '-b:a', '64k', '-ar', '44100'] : []),
    '-f', 'flv',
    ...publishUrlArgs(target),
  ];
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      return exited;
    },
  };
}
