// Owns what one session's FFmpeg runs: the plan of its ladder for the input the probe describes, where the key
// frames go (gop-policy.ts, following the encoder's measured GOP), and the argv of each run. A change of the
// key-frame decision replans; the session decides how the running FFmpeg is replaced.
import type { Ladder } from '../../shared/ladder.js';
import type { InputProbe } from '../../shared/state.js';
import type { ProgressSample } from './progress.js';
import { buildFfmpegArgsFromPlan } from './build-args.js';
import { GopPolicy, type GopChange, type GopDecision } from './gop-policy.js';
import { planTranscode, type HlsOutput, type TranscodeInput, type TranscodePlan } from './plan.js';
import { sessionEncodeOptions, sessionInput, sessionOutput } from './session-io.js';
import type { TranscodeSessionOptions } from './session-options.js';
import type { KeyFramePolicy } from '../../shared/state.js';

export class SessionPlan {
  private decision: GopDecision;
  private readonly gop: GopPolicy;
  private lastProbe: InputProbe | null = null;
  current: TranscodePlan;
  /** the passthrough rung's folder (null: none), whose key frames follow the encoder */
  readonly sourceStreamName: string | null;

  /** Throws TranscodePlanError (a ladder this input cannot use) or FfmpegCapabilityError (this FFmpeg cannot run it). */
  constructor(
    private readonly ladder: Ladder,
    private readonly dir: string,
    private readonly o: TranscodeSessionOptions,
  ) {
    const asked = planTranscode(ladder, this.input(), this.output(false), sessionEncodeOptions(o, null));
    this.sourceStreamName = asked.variants.find((v) => v.video?.copy)?.streamName ?? null;
    this.gop = new GopPolicy({
      segmentSeconds: asked.segmentDurationSeconds,
      hasPassthroughVideo: this.sourceStreamName !== null,
      hasEncodedVideo: asked.variants.some((v) => v.video && !v.video.copy),
    });
    this.decision = this.gop.initial(o.probeAtStart);
    this.current = this.replan();
    // once before the supervisor: an FFmpeg that cannot run this plan is refused, not restarted in a loop
    this.args(false);
  }

  /** The argv of a run: `append` continues the playlists after a discontinuity. */
  args(append: boolean): string[] {
    return buildFfmpegArgsFromPlan(
      this.current,
      this.input(),
      this.output(append),
      sessionEncodeOptions(this.o, this.decision),
      this.o.ffmpeg ?? null,
    );
  }

  /** A new probe: the key-frame policy may change the plan (a long GOP appeared, or went away). */
  followProbe(): GopChange | null {
    const probe = this.o.probe?.() ?? null;
    if (probe === this.lastProbe) return null;
    this.lastProbe = probe;
    const change = this.gop.onProbe(probe);
    if (!change) return null;
    this.decision = change.decision;
    this.current = this.replan();
    return change;
  }

  runStarted(nowMs: number): void {
    this.gop.runStarted(nowMs);
  }

  onProgress(sample: ProgressSample, nowMs: number): void {
    this.gop.onProgress(sample, nowMs);
  }

  policy(): KeyFramePolicy {
    return this.gop.policy();
  }

  sourceNote(): string | null {
    return this.gop.sourceNote();
  }

  private replan(): TranscodePlan {
    return planTranscode(this.ladder, this.input(), this.output(false), sessionEncodeOptions(this.o, this.decision));
  }

  private input(): TranscodeInput {
    // the latest probe knows more than the one at the start (size, rate), which a later plan change can use
    const { feed, pullUrl, readRealtime } = this.o;
    return sessionInput(
      { feed: feed !== undefined, ...(pullUrl ? { pullUrl } : {}), ...(readRealtime ? { readRealtime } : {}) },
      latestProbe(this.o.probe?.() ?? null, this.o.probeAtStart),
    );
  }

  private output(append: boolean): HlsOutput {
    return {
      ...sessionOutput(this.dir, this.o.entry, append),
      ...(this.o.openUntilStop ? { omitEndList: true } : {}),
    };
  }
}

/**
 * The latest probe where it has seen the codecs, else the one at the start where that has, else none. A probe
 * window that has seen no tag yet (OBS's stream right after its metadata; any publisher whose first second the
 * station sampled before its first frame, as 20 publishers starting together showed) says nothing about which
 * tracks exist: taken as is, it made the plan think the input had neither video nor audio and refuse the ladder.
 */
export function latestProbe(latest: InputProbe | null, atStart: InputProbe | null): InputProbe | null {
  const seen = (p: InputProbe | null): p is InputProbe =>
    p !== null && (p.videoCodec !== null || p.audioCodec !== null);
  if (seen(latest)) return latest;
  return seen(atStart) ? atStart : null;
}
