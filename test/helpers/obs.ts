// Real OBS Studio (Debian obs-studio 29) for tests, headless under xvfb-run, following obs-headless.md: its
// own HOME/XDG_CONFIG_HOME in a temp dir, the WebSocket server enabled on a free port with a password, a
// Simple-output profile (2 s GOP, 640x360 at 30 fps) and a scene with a looping ffmpeg_source test clip.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, tempDir } from './net.js';

export interface ObsProcess {
  address: string;
  password: string;
  home: string;
  /** OBS's own log (obs-studio/logs/*.txt) */
  log(): string;
  stop(): Promise<void>;
}

export function obsAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v obs && command -v xvfb-run'], { stdio: 'ignore' }).status === 0;
}

function writeConfig(home: string, port: number, password: string, clip: string, x264Settings: string): void {
  const config = path.join(home, '.config', 'obs-studio');
  const profile = path.join(config, 'basic', 'profiles', 'klive');
  const scenes = path.join(config, 'basic', 'scenes');
  fs.mkdirSync(profile, { recursive: true });
  fs.mkdirSync(scenes, { recursive: true });
  fs.writeFileSync(
    path.join(config, 'global.ini'),
    [
      '[General]',
      'FirstRun=true',
      'LastVersion=486539266',
      'ConfirmOnExit=false',
      'WarnBeforeStartingStream=false',
      'WarnBeforeStoppingStream=false',
      'EnableAutoUpdates=false',
      '',
      '[Basic]',
      'Profile=klive',
      'ProfileDir=klive',
      'SceneCollection=klive',
      'SceneCollectionFile=klive',
      '',
      '[BasicWindow]',
      'PreviewEnabled=false',
      '',
      '[OBSWebSocket]',
      'FirstLoad=false',
      'ServerEnabled=true',
      `ServerPort=${port}`,
      'AlertsEnabled=false',
      'AuthRequired=true',
      `ServerPassword=${password}`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(profile, 'basic.ini'),
    [
      '[General]',
      'Name=klive',
      '',
      '[Output]',
      'Mode=Simple',
      '',
      '[SimpleOutput]',
      'VBitrate=800',
      'ABitrate=96',
      'StreamEncoder=x264',
      'Preset=ultrafast',
      `x264Settings=${x264Settings}`,
      '',
      '[Video]',
      'BaseCX=640',
      'BaseCY=360',
      'OutputCX=640',
      'OutputCY=360',
      'FPSType=1',
      'FPSCommon=30',
      '',
      '[Audio]',
      'SampleRate=48000',
      'ChannelSetup=Stereo',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(profile, 'service.json'),
    JSON.stringify({ type: 'rtmp_custom', settings: { server: 'rtmp://127.0.0.1:1/none', key: 'none' } }),
  );
  const clipSource = {
    id: 'ffmpeg_source',
    versioned_id: 'ffmpeg_source',
    name: 'Clip',
    uuid: '7b1a3c1e-0000-4000-8000-000000000002',
    settings: { local_file: clip, is_local_file: true, looping: true, restart_on_activate: true },
  };
  const scene = {
    id: 'scene',
    versioned_id: 'scene',
    name: 'Scene',
    uuid: '7b1a3c1e-0000-4000-8000-000000000001',
    settings: {
      id_counter: 1,
      custom_size: false,
      items: [
        {
          name: 'Clip',
          source_uuid: clipSource.uuid,
          visible: true,
          locked: false,
          id: 1,
          pos: { x: 0, y: 0 },
          scale: { x: 1, y: 1 },
          rot: 0,
          align: 5,
          bounds_type: 0,
          bounds: { x: 0, y: 0 },
          bounds_align: 0,
          crop_left: 0,
          crop_top: 0,
          crop_right: 0,
          crop_bottom: 0,
        },
      ],
    },
  };
  fs.writeFileSync(
    path.join(scenes, 'klive.json'),
    JSON.stringify({
      name: 'klive',
      current_scene: 'Scene',
      current_program_scene: 'Scene',
      scene_order: [{ name: 'Scene' }],
      sources: [scene, clipSource],
      groups: [],
      transitions: [],
      current_transition: 'Fade',
      transition_duration: 300,
    }),
  );
}

async function waitForPort(port: number, timeoutMs: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error('OBS exited before its WebSocket server listened');
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`OBS's WebSocket server did not listen on ${port} within ${timeoutMs} ms`);
}

/** `x264Settings` '' leaves OBS's own keyframe default (auto, 250 frames): what a fresh OBS sends. */
export async function startObs(options: { readyTimeoutMs?: number; x264Settings?: string } = {}): Promise<ObsProcess> {
  const home = tempDir('klive-obs-');
  const clip = path.join(home, 'clip.mp4');
  const made = spawnSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=30',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    '10',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '60',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    clip,
  ]);
  if (made.status !== 0) throw new Error(`could not make the OBS test clip: ${made.stderr?.toString() ?? ''}`);
  const port = await freePort();
  const password = `klive-${Math.random().toString(36).slice(2, 12)}`;
  writeConfig(home, port, password, clip, options.x264Settings ?? 'keyint=60');
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), LIBGL_ALWAYS_SOFTWARE: '1' };
  const child: ChildProcess = spawn(
    'xvfb-run',
    [
      '-a',
      '-s',
      '-screen 0 1280x720x24',
      'obs',
      '--multi',
      '--minimize-to-tray',
      '--disable-missing-files-check',
      '--disable-updater',
      '--profile',
      'klive',
      '--collection',
      'klive',
      '--scene',
      'Scene',
    ],
    {
      env,
      cwd: home,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const log = (): string => {
    const dir = path.join(home, '.config', 'obs-studio', 'logs');
    try {
      return fs
        .readdirSync(dir)
        .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
        .join('\n');
    } catch {
      return stderr;
    }
  };
  const stop = async (): Promise<void> => {
    if (!exited() && child.pid) {
      const gone = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await gone;
      clearTimeout(timer);
    }
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, options.readyTimeoutMs ?? 60_000, exited);
  } catch (error) {
    const text = `${(error as Error).message}\nOBS log:\n${log().slice(-4000)}\nstderr:\n${stderr.slice(-2000)}`;
    await stop();
    throw new Error(text);
  }
  return { address: `ws://127.0.0.1:${port}`, password, home, log, stop };
}
