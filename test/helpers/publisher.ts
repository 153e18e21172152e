// Spawns a real publisher to the station's RTMP port, in the OBS wire form (query on the app, key as the publish
// name) or the stream-key-query form: FFmpeg (lavfi test pattern + tone; any GOP, e.g. OBS's default 250 frames)
// or GStreamer (videotestsrc/audiotestsrc -> x264enc + voaacenc -> flvmux -> rtmp2sink), whose connect has no
// swfUrl and another flashVer ("LNX 10,0,32,18").
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
  /** FFmpeg's -force_key_frames, e.g. to change the GOP mid-stream (with a long gopFrames) */
  forceKeyFrames?: string;
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
    return [
      '-rtmp_app',
      `kLive/?${query}`,
      '-rtmp_playpath',
      streamName,
      '-rtmp_tcurl',
      `${base}/kLive/?${query}`,
      `${base}/kLive`,
    ];
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
    '-hide_banner',
    '-loglevel',
    'warning',
    '-nostdin',
    ...inputs,
    ...(options.durationSeconds ? ['-t', String(options.durationSeconds)] : []),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(gop),
    '-keyint_min',
    String(gop),
    '-sc_threshold',
    '0',
    ...(options.forceKeyFrames ? ['-force_key_frames', options.forceKeyFrames] : []),
    '-b:v',
    `${options.videoBitrateKbps ?? 300}k`,
    '-maxrate',
    `${options.videoBitrateKbps ?? 300}k`,
    '-bufsize',
    `${(options.videoBitrateKbps ?? 300) * 2}k`,
    ...(options.audio !== false ? ['-c:a', 'aac', '-b:a', '64k', '-ar', '44100'] : []),
    '-f',
    'flv',
    ...publishUrlArgs(target),
  ];
  return supervise(spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true }));
}

/**
 * rtmp2sink takes one location and splits it at its last '/': the application is everything before it (the OBS
 * server URL, query included), the stream what follows (the key). So the OBS form is "server/key", as OBS itself
 * joins them, and the key-query form is "rtmp://host/kLive/KEY?p=..".
 */
export function gstLocation(target: PublishTarget): string {
  const query = `p=${target.partnerId}&e=${target.entryId}&i=${target.index ?? 0}&t=${target.token}`;
  const streamName = target.streamName ?? `${target.entryId}_1`;
  const base = `rtmp://127.0.0.1:${target.rtmpPort}/kLive`;
  return (target.form ?? 'obs') === 'obs' ? `${base}/?${query}/${streamName}` : `${base}/${streamName}?${query}`;
}

/** GStreamer 1.22 (Debian gstreamer1.0-tools, -plugins-base/-good/-bad/-ugly): x264enc is in -ugly, voaacenc in -bad. */
export function startGstPublisher(target: PublishTarget, options: PublisherOptions = {}): Publisher {
  const width = options.width ?? 320;
  const height = options.height ?? 180;
  const fps = options.fps ?? 15;
  const seconds = options.durationSeconds ?? 3600;
  const video = [
    'videotestsrc',
    'is-live=true',
    'pattern=smpte',
    `num-buffers=${Math.round(seconds * fps)}`,
    '!',
    `video/x-raw,width=${width},height=${height},framerate=${fps}/1`,
    '!',
    'x264enc',
    'tune=zerolatency',
    'speed-preset=ultrafast',
    `bitrate=${options.videoBitrateKbps ?? 300}`,
    `key-int-max=${options.gopFrames ?? fps * 2}`,
    '!',
    'h264parse',
    '!',
    'queue',
    '!',
    'mux.',
  ];
  const audio =
    options.audio === false
      ? []
      : [
          'audiotestsrc',
          'is-live=true',
          'wave=sine',
          `num-buffers=${Math.ceil((seconds * 44_100) / 1024)}`,
          '!',
          'audioconvert',
          '!',
          'audioresample',
          '!',
          'audio/x-raw,rate=44100,channels=2',
          '!',
          'voaacenc',
          'bitrate=64000',
          '!',
          'aacparse',
          '!',
          'queue',
          '!',
          'mux.',
        ];
  const args = [
    '-q',
    '-e',
    ...video,
    ...audio,
    'flvmux',
    'name=mux',
    'streamable=true',
    '!',
    'rtmp2sink',
    `location=${gstLocation(target)}`,
  ];
  return supervise(spawn('gst-launch-1.0', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true }));
}

function supervise(child: ChildProcess): Publisher {
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
