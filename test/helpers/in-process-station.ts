// Builds a real Station in the test process (sandbox, ingest, FFmpeg, HLS, bridge) on free ports and a temp
// data dir, so a test can look at the bridge and at the sandbox's persisted state.
import fs from 'node:fs';
import path from 'node:path';
import { Station } from '../../main/station/station.js';
import { type StationTuning } from '../../main/station/station-parts.js';
import type { KalturaStartup } from '../../main/config/kaltura-startup.js';
import { findAppPaths } from '../../main/station/app-paths.js';
import { createLogger, memorySink } from '../../main/log/logger.js';
import type { Snapshot } from '../../shared/state.js';
import { freePort, tempDir } from './net.js';

export interface InProcessStation {
  station: Station;
  dataDir: string;
  rtmpPort: number;
  httpPort: number;
  httpUrl: string;
  logs: string[];
  snapshot(): Promise<Snapshot>;
  /** the sandbox's state file as JSON (entries, nodes, beacons, recordings) */
  sandboxState(): SandboxStateView;
  stop(): Promise<void>;
}

export interface SandboxStateView {
  entries: Array<{ id: string; streamPassword: string; recordStatus: number }>;
  nodes: Array<{ entryId: string; serverType: number; status: number; updatedAtMs?: number; updatedAt?: number }>;
  beacons: Array<{ eventType: string; privateData: string }>;
  recordings: Array<Record<string, unknown>>;
}

export async function startInProcessStation(
  tuning: StationTuning = {},
  setup: { settings?: Record<string, unknown>; env?: NodeJS.ProcessEnv; kaltura?: KalturaStartup } = {},
): Promise<InProcessStation> {
  const dataDir = tempDir('klive-pipeline-');
  // settings as a user would have saved them before this start (merged with defaults on load)
  if (setup.settings) fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify(setup.settings));
  const rtmpPort = await freePort();
  const httpPort = await freePort();
  const sink = memorySink(5000);
  const logger = createLogger({ level: 'info', sinks: [sink] });
  const station = new Station({
    options: {
      dataDir,
      rtmpPort,
      httpPort,
      host: '127.0.0.1',
      logLevel: 'info',
      ...(setup.kaltura ? { kaltura: setup.kaltura } : {}),
    },
    logger,
    paths: findAppPaths(),
    env: setup.env ?? process.env,
    tuning: { skipEncoderDetection: true, ...tuning },
  });
  await station.start();
  return {
    station,
    dataDir,
    rtmpPort,
    httpPort,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    logs: sink.lines,
    snapshot: async () =>
      (await station.bridgeHost().handle('state.getSnapshot', {}, { transport: 'ipc', trusted: true })) as Snapshot,
    sandboxState: () =>
      JSON.parse(fs.readFileSync(path.join(dataDir, 'sandbox', 'state.json'), 'utf8')) as SandboxStateView,
    stop: () => station.stop(),
  };
}
