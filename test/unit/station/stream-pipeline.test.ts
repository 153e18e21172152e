// The pipeline owns a stream's one reconnect grace: the ingest holds the id and the registry shows "reconnecting"
// until the pipeline's timer runs out; then it releases the id in the ingest and ends the stream in the registry.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StreamPipeline } from '../../../main/station/stream-pipeline.js';
import type { KalturaApi } from '../../../main/core/kaltura-api.js';
import { PidRegistry } from '../../../main/process/pid-registry.js';
import { silentLogger } from '../../../main/log/logger.js';
import { tempDir } from '../../helpers/net.js';
import { acceptedEvent, liveEntry, makeRegistry, publisherLeft } from './helpers.js';

const GRACE_MS = 10_000;

function rig() {
  const r = makeRegistry();
  const released: string[] = [];
  const kaltura = {
    registerMediaServer: () => Promise.resolve(liveEntry()),
    unregisterMediaServer: () => Promise.resolve(liveEntry()),
    // the ladder never comes: the stream stays live without FFmpeg, which leaves the grace to look at
    serveConversionProfile: () => new Promise<string>(() => undefined),
  } as unknown as KalturaApi;
  const event = acceptedEvent(r.clock.nowMs());
  const dir = tempDir();
  const pipeline = new StreamPipeline(event, {
    registry: r.registry,
    kaltura,
    hlsRootDir: path.join(dir, 'hls'),
    ffmpegPath: () => '/usr/bin/ffmpeg',
    encoder: () => 'libx264',
    recording: null,
    pidRegistry: new PidRegistry({ file: path.join(dir, 'pids.json'), logger: silentLogger() }),
    clock: r.clock,
    logger: silentLogger(),
    ingest: { release: (id) => released.push(id) },
    resumeGraceMs: GRACE_MS,
  });
  r.registry.streamAccepted(event);
  pipeline.start();
  const left = (): void => {
    publisherLeft(r);
    pipeline.publisherLeft(false);
  };
  return { r, pipeline, released, event, left };
}

const state = (r: ReturnType<typeof makeRegistry>) => r.registry.entry('0_rkij47dr')?.streams[0]?.state;

describe('StreamPipeline grace', () => {
  it('a publisher back within the grace keeps the stream: nothing is released, nothing ends', () => {
    const { r, pipeline, released, event, left } = rig();
    left();
    r.clock.advance(GRACE_MS - 1);
    expect(released).toEqual([]);
    expect(pipeline.live).toBe(false);
    pipeline.resume({ ...event, resumed: true });
    r.registry.streamAccepted({ ...event, resumed: true });
    r.clock.advance(GRACE_MS * 2);
    expect(released).toEqual([]);
    expect(pipeline.live).toBe(true);
    expect(state(r)).toBe('live');
  });

  it('when the grace runs out the id goes back to the ingest and the registry ends the stream', () => {
    const { r, pipeline, released, left } = rig();
    left();
    expect(state(r)).toBe('reconnecting');
    r.clock.advance(GRACE_MS);
    expect(released).toEqual(['s1']);
    expect(pipeline.isFinished).toBe(true);
    expect(state(r)).toBe('ended');
  });

  it('a station stop finishes at once, without a grace', async () => {
    const { released, pipeline } = rig();
    pipeline.publisherLeft(true);
    await Promise.resolve();
    expect(released).toEqual(['s1']);
    expect(pipeline.isFinished).toBe(true);
  });
});
