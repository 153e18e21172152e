// The whole Kaltura layer (KS supervisor, client, modes, registration keeper, recording uploads on the queue's path) against the real
// sandbox api_v3 on loopback: the station's call sequence (kaltura.md 4), errors, KS expiry and an outage.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, memorySink, silentLogger } from '../../../main/log/logger.js';
import {
  startSandbox,
  SEED_ENTRY_ID,
  SEED_ENTRY_TOKEN,
  SEED_PARTNER_ID,
  type SandboxHandle,
} from '../../../main/sandbox/index.js';
import { createKalturaStack, type KalturaStack } from '../../../main/kaltura/stack.js';
import { RegistrationKeeper } from '../../../main/kaltura/registration.js';
import { KalturaApiError, KalturaModeError, KalturaTransportError } from '../../../main/core/kaltura-errors.js';
import { systemClock } from '../../../main/core/clock.js';
import { sessionStart } from '../../../main/kaltura/actions.js';
import { readKs } from '../../../main/core/ks-read.js';
import { kalturaRecordingUploader } from '../../../main/station/recording-uploader.js';
import { newQueuedSegment } from '../../../main/recording/queue-model.js';
import { deliverSegment, type DeliveryContext } from '../../../main/recording/segment-delivery.js';
import type { RecordingUploader } from '../../../main/recording/uploader.js';
import { DEFAULT_SETTINGS, type KalturaSettings } from '../../../shared/settings.js';
import { tempDir, waitFor } from '../../helpers/net.js';

let sandbox: SandboxHandle;
let dataDir: string;
const stacks: KalturaStack[] = [];

/** appendRecording needs a live asset of the entry: the one for the source live params (32). */
const sourceAssetId = (): string =>
  sandbox.store.liveAssets(SEED_ENTRY_ID).find((a) => a.flavorParamsId === 32)?.id ?? 'missing';

/** The recording uploader the station builds on a stack (main/station wires the same). */
const recordingUploader = (k: KalturaStack): RecordingUploader =>
  kalturaRecordingUploader({ client: k.client, impersonationFor: (p) => k.service.impersonationFor(p) });

function deliveryContext(uploader: RecordingUploader, chunkBytes: number): DeliveryContext {
  return {
    uploader,
    chunkBytes,
    recordingApi: 'appendRecording',
    signal: new AbortController().signal,
    logger: silentLogger(),
    needsSync: false,
    save: () => undefined,
    progress: () => undefined,
    appendable: () => ({ ok: true, isLastChunk: true }),
  };
}

function settings(patch: Partial<KalturaSettings> = {}): KalturaSettings {
  return {
    ...DEFAULT_SETTINGS.kaltura,
    mode: 'sandbox',
    serviceUrl: '',
    partnerId: -5,
    hostname: 'klive-it-station',
    requestTimeoutMs: 5_000,
    ...patch,
  };
}

function stack(
  patch: Partial<KalturaSettings> = {},
  extra: Partial<Parameters<typeof createKalturaStack>[0]> = {},
): KalturaStack {
  const s = settings(patch);
  const made = createKalturaStack({
    settings: s,
    adminSecret: sandbox.adminSecret(s.partnerId) ?? 'missing',
    version: '0.1.0-test',
    serviceUrlOverride: sandbox.serviceUrl,
    logger: silentLogger(),
    retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
    ...extra,
  });
  made.start();
  stacks.push(made);
  return made;
}

beforeAll(async () => {
  dataDir = tempDir('klive-kaltura-it-');
  sandbox = await startSandbox({ dataDir, rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive', logger: silentLogger() });
  // Kaltura accepts authenticate/registerMediaServer only from a registered media server node
  sandbox.store.addMediaServerNode('klive-it-station', -5);
});

afterEach(() => {
  sandbox.faults.reset();
  for (const s of stacks.splice(0)) s.stop();
});

afterAll(async () => {
  await sandbox?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('Kaltura layer against the sandbox', () => {
  it('the fresh media-server KS is accepted (session.get) and testConnection says so', async () => {
    const k = stack();
    await waitFor(() => k.status().ks.state === 'valid', { what: 'KS verified' });
    expect(k.status()).toMatchObject({
      mode: 'sandbox',
      serviceUrl: sandbox.serviceUrl,
      partnerId: -5,
      ks: { state: 'valid', lastError: null },
      api: { reachable: true },
    });
    const result = await k.service.testConnection();
    expect(result).toMatchObject({ ok: true });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('session.start returns a KS our reader verifies with the partner secret; a wrong secret is START_SESSION_ERROR', async () => {
    const k = stack();
    const secret = sandbox.adminSecret(SEED_PARTNER_ID) ?? 'missing';
    const ks = await sessionStart(k.client, {
      secret,
      partnerId: SEED_PARTNER_ID,
      userId: 'admin',
      type: 2,
      expirySeconds: 600,
    });
    const read = readKs(ks, (p) => (p === SEED_PARTNER_ID ? [secret] : []), Math.floor(Date.now() / 1000));
    expect(read.ok && read.session).toMatchObject({ partnerId: SEED_PARTNER_ID, userId: 'admin', type: 2 });
    const bad = await sessionStart(k.client, { secret: '0'.repeat(32), partnerId: SEED_PARTNER_ID }).catch(
      (e: unknown) => e,
    );
    expect(bad).toMatchObject({ name: 'KalturaApiError', code: 'START_SESSION_ERROR' });
    expect((bad as Error).message).not.toContain(secret);
  });

  it('a wrong admin secret: the KS is reported rejected with the fix', async () => {
    const k = createKalturaStack({
      settings: settings(),
      adminSecret: 'f'.repeat(32),
      version: '0',
      serviceUrlOverride: sandbox.serviceUrl,
    });
    k.start();
    stacks.push(k);
    await waitFor(() => k.status().ks.state === 'error', { what: 'KS rejected' });
    expect(k.status().ks.lastError).toMatch(/Kaltura rejected the station's KS \(INVALID_KS\): check the admin secret/);
    expect((await k.service.testConnection()).ok).toBe(false);
  });

  it('the station call sequence: authenticate, serve, BROADCASTING, PLAYABLE keep-alive, isLive, unregister', async () => {
    const k = stack();
    const wrong = await k.service
      .authenticate({ partnerId: SEED_PARTNER_ID, entryId: SEED_ENTRY_ID, token: 'badbadba', mediaServerIndex: 0 })
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(KalturaApiError);
    expect(wrong).toMatchObject({ code: 'LIVE_STREAM_INVALID_TOKEN', args: { ENTRY_ID: SEED_ENTRY_ID } });

    const entry = await k.service.authenticate({
      partnerId: SEED_PARTNER_ID,
      entryId: SEED_ENTRY_ID,
      token: SEED_ENTRY_TOKEN,
      mediaServerIndex: 0,
    });
    expect(entry).toMatchObject({ id: SEED_ENTRY_ID, partnerId: SEED_PARTNER_ID });
    expect(typeof entry.conversionProfileId).toBe('number');
    expect(await k.service.listEntryServerNodes({ partnerId: SEED_PARTNER_ID, entryId: SEED_ENTRY_ID })).toMatchObject([
      { entryId: SEED_ENTRY_ID, status: 3, serverType: 0 },
    ]);

    const xml = await k.service.serveConversionProfile({
      partnerId: SEED_PARTNER_ID,
      streamName: `${SEED_ENTRY_ID}_1`,
      extraParams: { width: '320.0', height: '180.0', videodatarate: '800.0' },
    });
    expect(xml).toMatch(/^<\?xml version="1.0"\?>/);
    expect(xml).toContain('<Encode>');
    const notInProfile = await k.service
      .serveConversionProfile({ partnerId: SEED_PARTNER_ID, streamName: `${SEED_ENTRY_ID}_9`, extraParams: {} })
      .catch((e: unknown) => e);
    expect(notInProfile).toMatchObject({ name: 'KalturaApiError', code: 'INGEST_NOT_FOUND_IN_CONVERSION_PROFILE' });

    const keeper = new RegistrationKeeper({
      api: k.service,
      partnerId: SEED_PARTNER_ID,
      entryId: SEED_ENTRY_ID,
      mediaServerIndex: 0,
      clock: systemClock(),
      keepAliveIntervalMs: 300,
    });
    keeper.markAuthenticated();
    keeper.start();
    await waitFor(() => keeper.state().status === 'broadcasting', { what: 'broadcasting' });
    expect(await k.service.isLive({ partnerId: SEED_PARTNER_ID, entryId: SEED_ENTRY_ID })).toBe(false);
    keeper.markPlayable();
    await waitFor(() => keeper.state().status === 'playable', { what: 'playable' });
    const firstKeepAlive = keeper.state().lastKeepAliveAtMs ?? 0;
    await waitFor(() => (keeper.state().lastKeepAliveAtMs ?? 0) > firstKeepAlive, { what: 'a keep-alive' });
    expect(await k.service.isLive({ partnerId: SEED_PARTNER_ID, entryId: SEED_ENTRY_ID })).toBe(true);
    expect(await k.service.listEntryServerNodes({ partnerId: SEED_PARTNER_ID, entryId: SEED_ENTRY_ID })).toMatchObject([
      { status: 1 },
    ]);
    await keeper.stop();
    expect(keeper.state().status).toBe('unregistered');
    expect(await k.service.listEntryServerNodes({ partnerId: SEED_PARTNER_ID, entryId: SEED_ENTRY_ID })).toEqual([]);
    expect(await k.service.isLive({ partnerId: SEED_PARTNER_ID, entryId: SEED_ENTRY_ID })).toBe(false);
  });

  it('p = -5 (host-form URL) learns the partner from liveStream.get', async () => {
    const k = stack();
    const entry = await k.service.authenticate({
      partnerId: -5,
      entryId: SEED_ENTRY_ID,
      token: SEED_ENTRY_TOKEN,
      mediaServerIndex: 1,
    });
    expect(entry.partnerId).toBe(SEED_PARTNER_ID);
    await k.service.unregisterMediaServer({ partnerId: SEED_PARTNER_ID, entryId: SEED_ENTRY_ID, mediaServerIndex: 1 });
  });

  it('uploads a recording in chunks and appends it; beacons arrive', async () => {
    const k = stack();
    const file = path.join(dataDir, `${SEED_ENTRY_ID}.32.0.mp4`);
    const bytes = Buffer.alloc(5000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
    fs.writeFileSync(file, bytes);
    // the real path: the upload queue's delivery step through the recording uploader over this stack's client
    const uploader = recordingUploader(k);
    const item = newQueuedSegment(
      `${SEED_ENTRY_ID}:s1:000001`,
      {
        entryId: SEED_ENTRY_ID,
        partnerId: SEED_PARTNER_ID,
        mediaServerIndex: 0,
        assetId: sourceAssetId(),
        sessionId: 's1',
        filePath: file,
        sequence: 1,
        durationSeconds: 4,
        sizeBytes: bytes.length,
      },
      0,
    );
    expect(await deliverSegment(item, deliveryContext(uploader, 2048))).toBe('delivered');
    const tokenId = item.tokenId as string;
    const recording = sandbox.store.recordings().at(-1);
    expect(recording).toMatchObject({
      action: 'appendRecording',
      entryId: SEED_ENTRY_ID,
      uploadTokenId: tokenId,
      fileSizeBytes: 5000,
      isLastChunk: true,
    });
    expect(fs.readFileSync(recording?.storedFilePath as string).equals(bytes)).toBe(true);
    // a used token is CLOSED (as Kaltura's closeUploadTokenById): the upload queue relies on it to tell
    // whether an append whose answer was lost did happen, and the same segment cannot be appended twice
    expect(sandbox.store.uploadToken(tokenId)?.status).toBe(3);
    await expect(
      uploader.appendRecording({
        partnerId: SEED_PARTNER_ID,
        entryId: SEED_ENTRY_ID,
        assetId: sourceAssetId(),
        mediaServerIndex: 0,
        tokenId,
        durationSeconds: 4,
        isLastChunk: true,
      }),
    ).rejects.toMatchObject({ code: 'UPLOAD_TOKEN_INVALID_STATUS_FOR_ADD_ENTRY' });

    await k.service.addBeacon({
      partnerId: SEED_PARTNER_ID,
      entryId: SEED_ENTRY_ID,
      eventType: '0_healthData',
      privateData: '{"alerts":[],"maxSeverity":1}',
    });
    expect(sandbox.store.beacons().at(-1)).toMatchObject({
      partnerId: SEED_PARTNER_ID,
      eventType: '0_healthData',
      objectId: SEED_ENTRY_ID,
    });
  });

  it('a KS the server calls EXPIRED is regenerated once and the call succeeds', async () => {
    const sink = memorySink();
    const k = stack({}, { logger: createLogger({ sinks: [sink], level: 'debug' }) });
    await waitFor(() => k.status().ks.state === 'valid', { what: 'KS valid' });
    const before = k.ks.currentKs();
    // the sandbox ages a KS from the first call that sees it while the fault is on
    sandbox.faults.set({ ksLifetimeSeconds: 1 });
    await k.service.getLiveStream(SEED_PARTNER_ID, SEED_ENTRY_ID);
    await new Promise((r) => setTimeout(r, 1_200));
    const entry = await k.service.getLiveStream(SEED_PARTNER_ID, SEED_ENTRY_ID);
    expect(entry.id).toBe(SEED_ENTRY_ID);
    expect(k.ks.currentKs()).not.toBe(before);
    expect(sink.lines.some((l) => l.includes('regenerating it and retrying once'))).toBe(true);
    for (const line of sink.lines) {
      expect(line).not.toContain(before);
      expect(line).not.toContain(sandbox.adminSecret(-5));
    }
  });

  it('an outage is a transport error after bounded retries; API status says unreachable, then recovers', async () => {
    const k = stack();
    await waitFor(() => k.status().api.reachable === true, { what: 'reachable' });
    sandbox.faults.set({ down: true });
    const error = await k.service.getLiveStream(SEED_PARTNER_ID, SEED_ENTRY_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KalturaTransportError);
    expect(k.status().api).toMatchObject({ reachable: false });
    expect(k.status().ks.state).toBe('valid');
    sandbox.faults.reset();
    await k.service.getLiveStream(SEED_PARTNER_ID, SEED_ENTRY_ID);
    expect(k.status().api).toMatchObject({ reachable: true, lastError: null });
  });

  it("eCDN mode: the partner's own KS; another partner is refused before any call", async () => {
    const k = stack({ mode: 'ecdn', partnerId: SEED_PARTNER_ID });
    await waitFor(() => k.status().ks.state === 'valid', { what: 'own-partner KS valid' });
    const refused = await k.service
      .authenticate({ partnerId: 103, entryId: SEED_ENTRY_ID, token: SEED_ENTRY_TOKEN, mediaServerIndex: 0 })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(KalturaModeError);
    const entry = await k.service.getLiveStream(SEED_PARTNER_ID, SEED_ENTRY_ID);
    expect(entry.partnerId).toBe(SEED_PARTNER_ID);
  });
});
