// Owns what happens to ONE stream (one StreamId) from its accept to its unregister: its transcode (ladder from
// Kaltura -> FFmpeg -> HLS), its registration with Kaltura (BROADCASTING, PLAYABLE + keep-alive, unregister) and,
// for the primary source of an entry that records, its recording. Feeds every part's events into the registry.
// It owns the stream's one reconnect grace: a publisher that leaves has that long to come back (the ingest holds
// the stream's id meanwhile) before the session is finalised and the ingest lets the id go.
import type { StreamAcceptedEvent } from '../ingest/events.js';
import { hlsFolder, type StreamId } from '../core/ids.js';
import { shouldCreateRecordedEntry, type KalturaApi } from '../core/kaltura-api.js';
import { RegistrationKeeper } from '../kaltura/registration.js';
import type { Logger } from '../log/logger.js';
import type { RecordingService } from '../recording/recording-service.js';
import { feedInput } from '../recording/recorder-args.js';
import type { FfmpegCapabilities } from '../transcode/ffmpeg-capabilities.js';
import type { PidRegistry } from '../process/pid-registry.js';
import type { VideoEncoder } from '../transcode/plan.js';
import { TranscodeSession } from '../transcode/transcode-session.js';
import { latestProbe } from '../transcode/session-plan.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { StationRegistry } from './registry.js';
import { fetchLadder } from './ladder-source.js';

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
  /** the ingest holds the stream's id until the pipeline releases it */
  ingest: { release(streamId: StreamId): void };
  /** how long a publisher may be gone before the session is finalised */
  resumeGraceMs: number;
  keepAliveIntervalMs?: number;
  preset?: string;
}

export class StreamPipeline {
  private readonly keeper: RegistrationKeeper;
  private session: TranscodeSession | null = null;
  /** the ladder is being asked for: a resume meanwhile must not start a second transcode */
  private transcoding = false;
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
    this.cleanups.push(this.keeper.onChange((state) => deps.registry.registration(event.streamId, state)));
  }

  get streamId(): StreamId {
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
    else if (!this.transcoding) void this.startTranscode(true);
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
    // from here a publish on the same name is a new stream, and a stream still waiting for its publisher has ended
    this.deps.ingest.release(this.event.streamId);
    this.deps.registry.streamFinished(this.event.streamId);
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
    const id = event.streamId;
    const ffmpegPath = deps.ffmpegPath();
    if (!ffmpegPath) {
      deps.registry.transcodeFailed(
        id,
        'no working FFmpeg: install FFmpeg or set its path in Settings, then reconnect the encoder',
      );
      return;
    }
    const logger = deps.logger.child(`transcode:${event.streamName}`);
    this.transcoding = true;
    // one probe for the serve extraParams and the first plan (none while it has seen no frame yet)
    const probeAtStart = latestProbe(event.probe.latest(), null);
    const fetched = await fetchLadder(deps.kaltura, {
      partnerId: event.partnerId,
      streamName: event.streamName,
      probe: probeAtStart,
    });
    this.transcoding = false;
    if (this.finished) return;
    if (!fetched.ok) {
      logger.error(fetched.reason, fetched.kalturaCode ? { kalturaCode: fetched.kalturaCode } : undefined);
      return this.transcodeFailed(fetched.reason);
    }
    const { ladder, warnings } = fetched;
    for (const w of warnings) logger.warn(w, { streamName: event.streamName });
    deps.registry.ladder(id, ladder);
    // the recorder copies the source: its rendition is the ladder's source/ingest liveParams (passthrough),
    // and the recording goes under the entry's live asset with that flavorParamsId (looked up at hand-over)
    const source = ladder.renditions.find((r) => r.video?.codec === 'copy') ?? ladder.renditions[0];
    this.sourceFlavorParamsId = source?.flavorId ?? null;
    this.startRecording();
    const session = new TranscodeSession({
      entryId: event.entryId,
      partnerId: event.partnerId,
      streamName: event.streamName,
      hlsRootDir: deps.hlsRootDir,
      outputId: hlsFolder(id),
      feed: event.feed,
      probeAtStart,
      probe: () => this.event.probe.latest(),
      ladder,
      entry: {
        segmentDurationMs: event.entry.segmentDuration,
        dvrEnabled: event.entry.dvrStatus === 1,
        dvrWindowMinutes: event.entry.dvrWindow,
      },
      ffmpegPath,
      ffmpeg: deps.ffmpegCapabilities?.() ?? null,
      encoder: deps.encoder(),
      ...(deps.preset ? { preset: deps.preset } : {}),
      logger,
      clock: deps.clock,
      pidRegistry: deps.pidRegistry,
      resumed,
      // a publisher that leaves may resume within the grace period: its viewers must not see the stream end
      openUntilStop: true,
    });
    this.session = session;
    this.cleanups.push(
      session.on('state', (s) => deps.registry.transcoderState(id, s)),
      session.on('playable', ({ masterUrl }) => {
        deps.registry.playable(id, masterUrl);
        this.keeper.markPlayable();
      }),
      session.on('failed', ({ reason }) => this.transcodeFailed(reason)),
    );
    await session.start();
  }

  /** Nothing is served for this stream (no ladder, or FFmpeg gave up): Kaltura must not send viewers here. */
  private transcodeFailed(reason: string): void {
    this.deps.registry.transcodeFailed(this.event.streamId, reason);
    void this.keeper.stop();
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
        feed: event.feed,
      })
      .catch((e: unknown) =>
        deps.logger.error('recording failed to start', { entryId: event.entryId, error: (e as Error).message }),
      );
  }
}
