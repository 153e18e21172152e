// The key-frame policy of one stream (issue 21: OBS's default 8.3 s GOP gave 8.3 s segments on every rendition,
// because the encoded rungs followed the source's key frames to stay aligned with the passthrough rung).
import { describe, expect, it } from 'vitest';
import { GopPolicy } from '../../../main/transcode/gop-policy.js';
import type { ProgressSample } from '../../../main/transcode/progress.js';
import type { InputProbe } from '../../../shared/state.js';

function probe(
  k: { last: number | null; sinceLast: number | null; count: number },
  declaredKbps: number | null = 2500,
): InputProbe {
  return {
    videoCodec: 'H.264',
    audioCodec: 'AAC',
    width: 1280,
    height: 720,
    frameRateFps: 30,
    videoBitrateBps: 2_400_000,
    audioBitrateBps: 128_000,
    keyframeIntervalSeconds: { last: k.last, min: k.last, max: k.last, sinceLast: k.sinceLast, count: k.count },
    audioSampleRateHz: 48_000,
    audioChannels: 2,
    declared: declaredKbps === null ? {} : { videodatarate: declaredKbps },
    lastVideoAtMs: 0,
    lastAudioAtMs: 0,
    timestampDriftMs: 0,
    bytesIn: 0,
  };
}

const progress = (outSeconds: number): ProgressSample => ({
  frame: null,
  fps: null,
  speed: null,
  dropFrames: null,
  dupFrames: null,
  outTimeUs: Math.round(outSeconds * 1e6),
  streamQ: {},
  end: false,
});

const defaultLadder = () => new GopPolicy({ segmentSeconds: 2, hasPassthroughVideo: true, hasEncodedVideo: true });

describe('GopPolicy', () => {
  it('follows a short source GOP: passthrough source, encoded rungs on its key frames', () => {
    const p = defaultLadder();
    expect(p.initial(null)).toEqual({ keyFrameMode: 'source', reencodeSourceBps: null, sourceRung: 'passthrough' });
    for (let i = 1; i <= 10; i++) expect(p.onProbe(probe({ last: 2, sinceLast: (i % 2) * 1.5, count: i }))).toBeNull();
    expect(p.sourceNote()).toBeNull();
    expect(p.policy()).toMatchObject({ mode: 'source', sourceRung: 'passthrough', sourceGopSeconds: 2 });
  });

  it('a GOP over 1.5 x the segment is seen before it ends, and the source is re-encoded at its declared bitrate', () => {
    const p = defaultLadder();
    p.initial(null);
    expect(p.onProbe(probe({ last: null, sinceLast: 2.9, count: 1 }))).toBeNull();
    const change = p.onProbe(probe({ last: null, sinceLast: 3.4, count: 1 }));
    // mid-GOP nothing was cut since the key frame: the run is dropped and the next replays that GOP from the feed
    expect(change).toMatchObject({
      end: 'discard',
      decision: { keyFrameMode: 'interval', reencodeSourceBps: 2_500_000, sourceRung: 'reencoded' },
    });
    expect(change?.reason).toContain('longer than 3.0 s');
    expect(p.onProbe(probe({ last: 8.33, sinceLast: 0.5, count: 2 }))).toBeNull();
    expect(p.sourceNote()).toBe("re-encoded at the source's bitrate: the encoder's key frames come every 8.3 s");
    expect(p.policy().text).toContain('OBS → Settings → Output → Keyframe Interval: 2 s');
  });

  it('without a declared bitrate the measured one is used', () => {
    const p = defaultLadder();
    p.initial(null);
    expect(p.onProbe(probe({ last: 8.33, sinceLast: 0.2, count: 2 }, null))?.decision.reencodeSourceBps).toBe(
      2_400_000,
    );
  });

  it('a stream that resumes with a known long GOP starts fixed', () => {
    expect(defaultLadder().initial(probe({ last: 8.33, sinceLast: 1, count: 5 }))).toMatchObject({
      keyFrameMode: 'interval',
      sourceRung: 'reencoded',
    });
  });

  it('goes back to following the source after three short GOPs, just after a key frame, letting the old run finish', () => {
    const p = defaultLadder();
    p.initial(probe({ last: 8.33, sinceLast: 1, count: 3 }));
    expect(p.onProbe(probe({ last: 2, sinceLast: 0.5, count: 4 }))).toBeNull();
    expect(p.onProbe(probe({ last: 2, sinceLast: 1.5, count: 4 }))).toBeNull();
    expect(p.onProbe(probe({ last: 2, sinceLast: 0.5, count: 5 }))).toBeNull();
    expect(p.onProbe(probe({ last: 2, sinceLast: 1.5, count: 6 }))).toBeNull(); // three short, but mid-GOP
    expect(p.onProbe(probe({ last: 2, sinceLast: 0.4, count: 7 }))).toMatchObject({
      end: 'finish',
      decision: { sourceRung: 'passthrough', keyFrameMode: 'source' },
    });
  });

  it('falls back to passing the source through when the re-encode cannot keep real time, and says so', () => {
    const p = defaultLadder();
    p.initial(probe({ last: 8.33, sinceLast: 1, count: 3 }));
    p.runStarted(0);
    // the first seconds (catching up on the replayed GOP) are not judged; then 0.9 s of media per second
    for (let t = 1; t <= 30; t++) p.onProgress(progress(t <= 8 ? t * 1.5 : 12 + (t - 8) * 0.9), t * 1000);
    expect(p.onProbe(probe({ last: 8.33, sinceLast: 4, count: 3 }))).toBeNull(); // waits for a key frame
    const change = p.onProbe(probe({ last: 8.33, sinceLast: 0.3, count: 4 }));
    expect(change).toMatchObject({
      end: 'finish',
      decision: { keyFrameMode: 'interval', reencodeSourceBps: null, sourceRung: 'passthrough-cpu' },
    });
    expect(p.cpuLimitedSpeed).toBe(0.9);
    expect(p.sourceNote()).toContain('cannot re-encode it in real time (0.9x)');
    // later long GOPs go straight to passing through: this computer was already found too slow
    p.onProbe(probe({ last: 2, sinceLast: 0.1, count: 5 }));
    p.onProbe(probe({ last: 2, sinceLast: 0.1, count: 6 }));
    expect(p.onProbe(probe({ last: 2, sinceLast: 0.1, count: 7 }))?.decision.sourceRung).toBe('passthrough');
    expect(p.onProbe(probe({ last: 2, sinceLast: 3.5, count: 7 }))?.decision.sourceRung).toBe('passthrough-cpu');
  });

  it('a run that keeps real time with jitter is not judged slow', () => {
    const p = defaultLadder();
    p.initial(probe({ last: 8.33, sinceLast: 1, count: 3 }));
    p.runStarted(0);
    let out = 0;
    for (let t = 1; t <= 60; t++) {
      out += t % 3 === 0 ? 1.2 : 0.9;
      p.onProgress(progress(out), t * 1000);
    }
    expect(p.onProbe(probe({ last: 8.33, sinceLast: 0.2, count: 4 }))).toBeNull();
    expect(p.policy().sourceRung).toBe('reencoded');
  });

  it('a passthrough-only profile keeps the source segments and says why', () => {
    const p = new GopPolicy({ segmentSeconds: 2, hasPassthroughVideo: true, hasEncodedVideo: false });
    expect(p.initial(null)).toEqual({
      keyFrameMode: 'source',
      reencodeSourceBps: null,
      sourceRung: 'passthrough-only',
    });
    expect(p.onProbe(probe({ last: 8.33, sinceLast: 5, count: 3 }))).toBeNull();
    expect(p.sourceNote()).toBe(
      "segments follow the encoder's key frames (8.3 s): a passthrough-only profile cannot cut them shorter",
    );
  });

  it('a ladder without a passthrough rung always has a key frame every segment', () => {
    const p = new GopPolicy({ segmentSeconds: 2, hasPassthroughVideo: false, hasEncodedVideo: true });
    expect(p.initial(null)).toEqual({ keyFrameMode: 'interval', reencodeSourceBps: null, sourceRung: 'none' });
    expect(p.onProbe(probe({ last: 8.33, sinceLast: 5, count: 3 }))).toBeNull();
    expect(p.sourceNote()).toBeNull();
  });
});
