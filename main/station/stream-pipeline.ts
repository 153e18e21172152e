// Owns what happens to ONE accepted ingest stream: its transcode (ladder from Kaltura -> FFmpeg -> HLS),
// its registration with Kaltura (BROADCASTING, PLAYABLE + keep-alive, unregister) and, for the primary
// source of an entry that records, its recording. Feeds every part's events into the registry.
// A publisher that leaves gets a grace period to come back before the session is finalised.
import type { StreamAcceptedEvent } from '../ingest/events.js';
import type { MediaFeed } from '../media/flv-feed.js';
import { shouldCreateRecordedEntry, type KalturaApi } from '../kaltura/api.js';
import { RegistrationKeeper } from '../kaltura/registration.js';
import type { Logger } from '../log/logger.js';
import type { RecordingService } from '../recording/recording-service.js';
import { feedInput } from '../recording/recorder-args.js';
import type { FfmpegCapabilities } from '../transcode/ffmpeg-capabilities.js';
import type { PidRegistry } from '../process/pid-registry.js';
import type { VideoEncoder } from '../transcode/plan.js';
import { TranscodeSession } from '../transcode/transcode-session.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { StationRegistry } from './registry.js';
import type { InputProbe } from '../../shared/state.js';

export interface StreamPipelineDeps {
  registry: StationRegistry;
  kaltura: KalturaApi;
  hlsRootDir: string;
  ffmpegPath: () => string | null;
  /** what that FFmpeg can do (null: not read) */
  ffmpegCapabilities?: () => FfmpegCapabilities | null;
  encoder: () => VideoEncoder;
  recording: RecordingService | null;
  pidRegistry: PidRegistry;
  clock: Clock;
  logger: Logger;
  /** the latest probe of this stream (for the serve extraParams) */
  latestProbe: (streamId: string) => InputProbe | null;
  /** the ingest's FLV feed of this stream (its ENTRY_N and index): what FFmpeg reads */
  feedFor: (event: StreamAcceptedEvent) => MediaFeed;
  /** how long a publisher may be gone before the session is finalised (matches the ingest's grace) */
  resumeGraceMs: number;
  keepAliveIntervalMs?: number;
  preset?: string;
}

export class StreamPipeline {
  private readonly keeper: RegistrationKeeper;
  private session: TranscodeSession | null = null;
  private graceTimer: TimerHandle | null = null;
  private recording = false;
  /** liveParams id of the recorded (source) rendition; its live asset is looked up at hand-over */
  private sourceFlavorParamsId: number | null = null;
  private recordedEntryId: string | null = null;
  private finished = false;
  private readonly cleanups: Array<() => void> = [];

  constructor(
    private event: StreamAcceptedEvent,
    private readonly deps: StreamPipelineDeps,
  ) {
    this.keeper = new RegistrationKeeper({
      api: deps.kaltura,
      partnerId: event.partnerId,
      entryId: event.entryId,
      mediaServerIndex: event.mediaServerIndex,
      clock: deps.clock,
      shouldCreateRecordedEntry: shouldCreateRecordedEntry(event.entry),
      onEntry: (entry) => {
        if (entry.recordedEntryId) this.recordedEntryId = entry.recordedEntryId;
      },
      logger: deps.logger.child('registration'),
      ...(deps.keepAliveIntervalMs !== undefined ? { keepAliveIntervalMs: deps.keepAliveIntervalMs } : {}),
    });
    this.cleanups.push(
      this.keeper.onChange((state) =>
        deps.registry.registration({ entryId: event.entryId, mediaServerIndex: event.mediaServerIndex, state }),
      ),
    );
  }

  get streamId(): string {
    return this.event.streamId;
  }

  get entryId(): string {
    return this.event.entryId;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  get live(): boolean {
    return !this.finished && this.graceTimer === null;
  }

  start(): void {
    this.keeper.markAuthenticated();
    this.keeper.start();
    void this.startTranscode(false);
  }

  /** The same publisher (or a takeover) came back within the grace period. */
  resume(event: StreamAcceptedEvent): void {
    if (this.finished) return;
    this.event = event;
    this.graceTimer?.cancel();
    this.graceTimer = null;
    this.keeper.reaffirm();
    if (this.session) this.session.resume();
    else void this.startTranscode(true);
    // the drop ended the recorder's input: it records the returned publisher now, not after its restart backoff
    if (this.recording) this.deps.recording?.resume(event.entryId);
    this.startRecording();
  }

  /** The publisher left; the session is finalised unless it comes back within the grace period. */
  publisherLeft(final: boolean): void {
    if (this.finished) return;
    if (final) {
      void this.finish();
      return;
    }
    this.graceTimer?.cancel();
    this.graceTimer = this.deps.clock.setTimer(() => {
      this.graceTimer = null;
      void this.finish();
    }, this.deps.resumeGraceMs);
  }

  /** Ends everything: FFmpeg (ENDLIST), recording (last chunk), then unregister. Idempotent. */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.graceTimer?.cancel();
    this.graceTimer = null;
    await this.stopTranscoder();
    await this.stopRecording();
    await this.unregister();
    for (const c of this.cleanups.splice(0)) c();
  }

  async stopTranscoder(): Promise<void> {
    await this.session?.stop();
  }

  async stopRecording(): Promise<void> {
    if (!this.recording || !this.deps.recording) return;
    this.recording = false;
    await this.deps.recording.stop(this.event.entryId);
  }

  async unregister(): Promise<void> {
    await this.keeper.stop();
  }

  private async startTranscode(resumed: boolean): Promise<void> {
    const { deps, event } = this;
    const ffmpegPath = deps.ffmpegPath();
    if (!ffmpegPath) {
      deps.registry.transcodeFailed(
        event.streamId,
        'no working FFmpeg: install FFmpeg or set its path in Settings, then reconnect the encoder',
      );
      return;
    }
    const session = new TranscodeSession({
      entryId: event.entryId,
      partnerId: event.partnerId,
      streamName: event.streamName,
      hlsRootDir: deps.hlsRootDir,
      outputId: hlsOutputId(event),
      feed: deps.feedFor(event),
      probeAtStart: deps.latestProbe(event.streamId),
      probe: () => deps.latestProbe(event.streamId),
      entry: {
        segmentDurationMs: event.entry.segmentDuration,
        dvrEnabled: event.entry.dvrStatus === 1,
        dvrWindowMinutes: event.entry.dvrWindow,
      },
      ffmpegPath,
      ffmpeg: deps.ffmpegCapabilities?.() ?? null,
      encoder: deps.encoder(),
      ...(deps.preset ? { preset: deps.preset } : {}),
      kaltura: deps.kaltura,
      logger: deps.logger.child(`transcode:${event.streamName}`),
      clock: deps.clock,
      pidRegistry: deps.pidRegistry,
      resumed,
      // a publisher that leaves may resume within the grace period: its viewers must not see the stream end
      openUntilStop: true,
    });
    this.session = session;
    const id = event.streamId;
    this.cleanups.push(
      session.on('ladder', ({ ladder }) => {
        deps.registry.ladder(id, ladder);
        // the recorder copies the source: its rendition is the ladder's source/ingest liveParams (passthrough),
        // and the recording goes under the entry's live asset with that flavorParamsId (looked up at hand-over)
        const source = ladder.renditions.find((r) => r.video?.codec === 'copy') ?? ladder.renditions[0];
        this.sourceFlavorParamsId = source?.flavorId ?? null;
        this.startRecording();
      }),
      session.on('state', (s) => deps.registry.transcoderState(id, s)),
      session.on('playable', ({ masterUrl }) => {
        deps.registry.playable(id, masterUrl);
        this.keeper.markPlayable();
      }),
      session.on('failed', ({ reason }) => {
        deps.registry.transcodeFailed(id, reason);
        // nothing is served for this stream (no ladder, or FFmpeg gave up): Kaltura must not send viewers here
        void this.keeper.stop();
      }),
    );
    await session.start();
  }

  private startRecording(): void {
    const { deps, event } = this;
    const wantsRecording = event.entry.recordStatus !== 0 && event.mediaServerIndex === 0 && event.suffix === 1;
    if (!wantsRecording || !deps.recording || this.recording || this.sourceFlavorParamsId === null) return;
    this.recording = true;
    deps.recording
      .start({
        entryId: event.entryId,
        partnerId: event.partnerId,
        mediaServerIndex: event.mediaServerIndex,
        flavorParamsId: this.sourceFlavorParamsId,
        recordedEntryId: () => this.recordedEntryId ?? event.entry.recordedEntryId,
        input: feedInput(),
        feed: deps.feedFor(event),
      })
      .catch((e: unknown) =>
        deps.logger.error('recording failed to start', { entryId: event.entryId, error: (e as Error).message }),
      );
  }
}

/** The primary's first ingest owns /hls/<entryId>/; a backup or another ingest stream gets its own folder. */
export function hlsOutputId(event: Pick<StreamAcceptedEvent, 'entryId' | 'mediaServerIndex' | 'suffix'>): string {
  if (event.mediaServerIndex === 0 && event.suffix === 1) return event.entryId;
  return `${event.entryId}-${event.mediaServerIndex === 1 ? 'b' : 'p'}${event.suffix}`;
}
