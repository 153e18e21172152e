// Recording on a "real" account (issue 16): the station in eCDN mode (flags only) against an external sandbox
// that models both of Kaltura's recording flows. Legacy: appendRecording per segment under the live asset of
// the source liveParams; Kaltura recording: one setRecordedContent with the whole session. Either way the
// recorded entry holds every recorded byte, in order, once. A refused hand-over stays queued, with the reason
// and the fix, and goes through after the partner feature is switched and Retry is pressed.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../main/config/options.js';
import { startInProcessStation, type InProcessStation } from '../../helpers/in-process-station.js';
import { setFeatures, startSandboxProcess, type SandboxProcess } from '../../helpers/sandbox-process.js';
import { startPublisher } from '../../helpers/publisher.js';
import { waitFor } from '../../helpers/net.js';

const ENTRY = '0_rkij47dr';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function setup(features: Record<string, boolean>): Promise<{ sb: SandboxProcess; s: InProcessStation }> {
  const sb = await startSandboxProcess({
    edit: (state) => {
      setFeatures(state, 102, features);
      const entry = state.entries.find((e) => e.id === ENTRY) as { recordStatus: number };
      entry.recordStatus = 1;
    },
  });
  cleanups.push(() => sb.stop());
  const kaltura = parseCommandLine(
    [
      '--kaltura-mode',
      'ecdn',
      '--kaltura-url',
      sb.serviceUrl,
      '--partner-id',
      '102',
      '--admin-secret-file',
      sb.secretFile(102),
    ],
    {},
  ).options.kaltura;
  const s = await startInProcessStation(
    { resumeGraceMs: 1500, keepAliveIntervalMs: 2000 },
    { settings: { media: { recordingSegmentSeconds: 4 } }, ...(kaltura ? { kaltura } : {}) },
  );
  cleanups.push(() => s.stop());
  return { sb, s };
}

async function record(s: InProcessStation, sb: SandboxProcess, seconds: number): Promise<void> {
  const token = sb.state().entries.find((e) => e.id === ENTRY)?.streamPassword as string;
  const p = startPublisher(
    { rtmpPort: s.rtmpPort, partnerId: 102, entryId: ENTRY, token },
    { durationSeconds: seconds },
  );
  cleanups.push(() => p.stop());
  await p.exited;
}

function localSegments(s: InProcessStation): Buffer[] {
  const root = path.join(s.dataDir, 'recordings', ENTRY);
  const [session] = fs.readdirSync(root).filter((d) => fs.statSync(path.join(root, d)).isDirectory());
  const dir = path.join(root, session as string);
  return fs
    .readdirSync(dir)
    .filter((f) => /^seg_\d+\.ts$/.test(f))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f)));
}

/** The recorded entry's file for the source liveParams, read from the sandbox's data dir. */
function recordedFile(sb: SandboxProcess): { bytes: Buffer; durationSeconds: number; parts: number } | null {
  const state = sb.state();
  const rec = state.recordedEntries.find((r) => r.rootEntryId === ENTRY);
  const flavor = rec?.flavors.find((f) => f.flavorParamsId === 32);
  if (!flavor) return null;
  const file = path.isAbsolute(flavor.file) ? flavor.file : path.join(sb.dataDir, 'sandbox', flavor.file);
  return { bytes: fs.readFileSync(file), durationSeconds: flavor.durationSeconds, parts: flavor.parts };
}

describe('recording handed over on an eCDN account', () => {
  it('legacy partner: appendRecording per segment under the source live asset; the recorded entry gets every byte, in order, once', async () => {
    const { sb, s } = await setup({ kalturaRecording: false });
    await record(s, sb, 13);
    const recordings = await waitFor(
      () => {
        const r = sb.state().recordings.filter((x) => x.entryId === ENTRY);
        return r.at(-1)?.isLastChunk ? r : null;
      },
      { timeoutMs: 60_000, what: 'the last chunk at the sandbox' },
    );
    const asset = sb.state().liveAssets.find((a) => a.entryId === ENTRY && a.flavorParamsId === 32);
    expect(recordings.every((r) => r.action === 'appendRecording' && r.assetId === asset?.id)).toBe(true);
    const local = localSegments(s);
    expect(recordings).toHaveLength(local.length);
    const landed = await waitFor(() => recordedFile(sb), { what: 'the recorded entry file' });
    expect(landed.bytes.equals(Buffer.concat(local))).toBe(true);
  });

  it('Kaltura-recording partner: learned from KALTURA_RECORDING_ENABLED; one setRecordedContent with the whole session', async () => {
    const { sb, s } = await setup({ kalturaRecording: true });
    await record(s, sb, 13);
    const call = await waitFor(
      () => sb.state().recordings.find((x) => x.entryId === ENTRY && x.action === 'setRecordedContent'),
      { timeoutMs: 60_000, what: 'setRecordedContent at the sandbox' },
    );
    expect(call.flavorParamsId).toBe(32);
    const local = localSegments(s);
    expect(local.length).toBeGreaterThanOrEqual(3);
    const landed = await waitFor(() => recordedFile(sb), { what: 'the recorded entry file' });
    expect(landed.bytes.equals(Buffer.concat(local))).toBe(true);
    expect(sb.state().recordings.filter((x) => x.entryId === ENTRY && x.action === 'setRecordedContent')).toHaveLength(
      1,
    );
    // the window shows every segment done once Kaltura answered
    await waitFor(
      async () =>
        (await s.snapshot()).entries.find((e) => e.entryId === ENTRY)?.recording.items.every((i) => i.state === 'done'),
      { what: 'all items done in the window' },
    );
  });

  it('a refused hand-over stays queued with the reason and the fix, and goes through after the feature is switched and Retry', async () => {
    const { sb, s } = await setup({ kalturaRecording: false });
    await record(s, sb, 9);
    // the account loses the Hybrid eCDN feature (MEDIA_SERVER_PARTNER_LEVEL) before the recording is handed over
    await sb.restart((state) => setFeatures(state, 102, { hybridEcdn: false }));
    const held = await waitFor(
      async () => {
        const snap = await s.snapshot();
        return snap.entries.find((e) => e.entryId === ENTRY)?.recording.items.find((i) => i.state === 'failed') ?? null;
      },
      { timeoutMs: 60_000, what: 'a held hand-over in the window' },
    );
    expect(held.reason).toMatch(/SERVICE_FORBIDDEN.*To fix: .*Nothing is lost/);
    const before = sb.state().recordings.filter((x) => x.entryId === ENTRY).length;
    await sb.restart((state) => setFeatures(state, 102, { hybridEcdn: true }));
    await s.station.bridgeHost().handle('recording.retry', { entryId: ENTRY }, { transport: 'ipc', trusted: true });
    const local = localSegments(s);
    await waitFor(
      () =>
        sb
          .state()
          .recordings.filter((x) => x.entryId === ENTRY)
          .at(-1)?.isLastChunk,
      { timeoutMs: 60_000, what: 'everything handed over after Retry' },
    );
    expect(sb.state().recordings.filter((x) => x.entryId === ENTRY)).toHaveLength(local.length);
    expect(before).toBeLessThan(local.length);
    const landed = await waitFor(() => recordedFile(sb), { what: 'the recorded entry file' });
    expect(landed.bytes.equals(Buffer.concat(local))).toBe(true);
  });
});
