// Owns the station's Prometheus metrics on a per-station prom-client Registry (never the global one):
// gauges read from a registry snapshot taken at scrape time, auth results, KS expiry, upload queues,
// and a histogram of Kaltura API call latency fed by recordApiCall (the Kaltura client's hook).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Snapshot } from '../../shared/state.js';
import type { AuthCounts } from './registry-types.js';

export interface MetricsSources {
  snapshot: () => Snapshot;
  authResults: () => AuthCounts;
  nowMs: () => number;
}

/** The Kaltura client's per-attempt CallInfo (main/kaltura/client.ts onCall) fits this as it is. */
export interface ApiCallObservation {
  /** service.action, e.g. livestream.authenticate */
  call: string;
  durationMs: number;
  outcome: 'ok' | 'api-error' | 'transport-error';
  /** Kaltura error code or transport kind; absent/null when ok */
  code?: string | null;
}

const HEALTH_VALUE = { Good: 0, Fair: 1, Poor: 2 } as const;

export class StationMetrics {
  readonly registry = new Registry();
  private current: Snapshot | null = null;
  private readonly apiDuration: Histogram<'call' | 'outcome'>;
  private readonly apiCalls: Counter<'call' | 'outcome' | 'code'>;

  constructor(private readonly sources: MetricsSources) {
    const reg = [this.registry];
    const snap = (): Snapshot => this.current ?? this.sources.snapshot();
    const gauge = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      fill: (g: Gauge<L>, s: Snapshot) => void,
    ): void => {
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers: reg,
        collect() {
          this.reset();
          fill(this, snap());
        },
      });
    };
    const streamLabels = ['entry_id', 'stream_name', 'index'] as const;
    const eachStream = (
      s: Snapshot,
      f: (
        labels: Record<(typeof streamLabels)[number], string>,
        st: Snapshot['entries'][number]['streams'][number],
      ) => void,
    ): void => {
      for (const e of s.entries)
        for (const st of e.streams)
          if (st.state === 'live' || st.state === 'playable')
            f({ entry_id: e.entryId, stream_name: st.streamName, index: String(st.mediaServerIndex) }, st);
    };

    gauge('klive_entries', 'entries in the live state', [], (g, s) => g.set(s.entries.length));
    gauge('klive_streams', 'ingest streams by lifecycle state', ['state'], (g, s) => {
      for (const state of ['authenticating', 'live', 'playable', 'reconnecting', 'ended', 'refused', 'failed'])
        g.set(
          { state },
          s.entries.reduce((n, e) => n + e.streams.filter((x) => x.state === state).length, 0),
        );
    });
    gauge('klive_entry_health', 'entry health: 0 Good, 1 Fair, 2 Poor', ['entry_id'], (g, s) =>
      s.entries.forEach((e) => g.set({ entry_id: e.entryId }, HEALTH_VALUE[e.health])),
    );
    gauge('klive_alerts_active', 'active alerts by Kaltura code', ['entry_id', 'code', 'name'], (g, s) => {
      for (const e of s.entries)
        for (const a of e.alerts) g.inc({ entry_id: e.entryId, code: String(a.code), name: a.name });
    });
    gauge('klive_input_bitrate_bps', 'measured ingest video bitrate', streamLabels, (g, s) =>
      eachStream(s, (l, st) => st.probe?.videoBitrateBps != null && g.set(l, st.probe.videoBitrateBps)),
    );
    gauge('klive_input_audio_bitrate_bps', 'measured ingest audio bitrate', streamLabels, (g, s) =>
      eachStream(s, (l, st) => st.probe?.audioBitrateBps != null && g.set(l, st.probe.audioBitrateBps)),
    );
    gauge(
      'klive_input_declared_bitrate_bps',
      'video bitrate the encoder declared (onMetaData videodatarate)',
      streamLabels,
      (g, s) =>
        eachStream(s, (l, st) => {
          const v = Number(st.probe?.declared.videodatarate);
          if (Number.isFinite(v) && v > 0) g.set(l, v * 1000);
        }),
    );
    gauge('klive_input_fps', 'measured ingest frame rate', streamLabels, (g, s) =>
      eachStream(s, (l, st) => st.probe?.frameRateFps != null && g.set(l, st.probe.frameRateFps)),
    );
    gauge('klive_input_keyframe_interval_seconds', 'last keyframe interval of the ingest', streamLabels, (g, s) =>
      eachStream(
        s,
        (l, st) => st.probe?.keyframeIntervalSeconds.last != null && g.set(l, st.probe.keyframeIntervalSeconds.last),
      ),
    );
    gauge(
      'klive_input_timestamp_drift_seconds',
      'media time minus wall clock since the first frame',
      streamLabels,
      (g, s) =>
        eachStream(s, (l, st) => st.probe?.timestampDriftMs != null && g.set(l, st.probe.timestampDriftMs / 1000)),
    );
    gauge('klive_input_bytes', 'bytes received from the encoder', streamLabels, (g, s) =>
      eachStream(s, (l, st) => st.probe && g.set(l, st.probe.bytesIn)),
    );
    gauge('klive_transcoder_speed', 'FFmpeg speed (1 = realtime)', streamLabels, (g, s) =>
      eachStream(s, (l, st) => st.transcoder?.speed != null && g.set(l, st.transcoder.speed)),
    );
    gauge('klive_transcoder_fps', 'FFmpeg output frame rate', streamLabels, (g, s) =>
      eachStream(s, (l, st) => st.transcoder?.frameRateFps != null && g.set(l, st.transcoder.frameRateFps)),
    );
    gauge('klive_ffmpeg_restarts', 'FFmpeg restarts of the current stream run', streamLabels, (g, s) =>
      eachStream(s, (l, st) => st.transcoder && g.set(l, st.transcoder.restarts)),
    );
    const renditionLabels = ['entry_id', 'stream_name', 'index', 'rendition'] as const;
    const eachRendition = (
      s: Snapshot,
      f: (
        labels: Record<(typeof renditionLabels)[number], string>,
        r: Snapshot['entries'][number]['streams'][number]['renditions'][number],
      ) => void,
    ): void => eachStream(s, (l, st) => st.renditions.forEach((r) => f({ ...l, rendition: r.streamName }, r)));
    gauge(
      'klive_rendition_bitrate_bps',
      'measured rendition bitrate (segment size over duration)',
      renditionLabels,
      (g, s) => eachRendition(s, (l, r) => r.measuredBitrateBps != null && g.set(l, r.measuredBitrateBps)),
    );
    gauge(
      'klive_rendition_target_bitrate_bps',
      'rendition video bitrate the ladder asks for',
      renditionLabels,
      (g, s) => eachRendition(s, (l, r) => r.targetVideoBitrateBps != null && g.set(l, r.targetVideoBitrateBps)),
    );
    gauge('klive_rendition_segment_duration_seconds', 'last HLS segment duration', renditionLabels, (g, s) =>
      eachRendition(s, (l, r) => r.segmentDurationSeconds != null && g.set(l, r.segmentDurationSeconds)),
    );
    gauge('klive_upload_queue_items', 'recording upload items by state', ['entry_id', 'state'], (g, s) => {
      for (const e of s.entries) for (const it of e.recording.items) g.inc({ entry_id: e.entryId, state: it.state });
    });
    gauge(
      'klive_ks_seconds_to_expiry',
      'seconds until the media-server KS expires (absent without a KS)',
      [],
      (g, s) => {
        if (s.kaltura.ks.validUntilMs !== null)
          g.set(Math.round((s.kaltura.ks.validUntilMs - this.sources.nowMs()) / 1000));
      },
    );
    gauge(
      'klive_kaltura_api_reachable',
      '1 when the last Kaltura API call got an answer, 0 when not (absent before the first call)',
      [],
      (g, s) => {
        if (s.kaltura.api.reachable !== null) g.set(s.kaltura.api.reachable ? 1 : 0);
      },
    );
    gauge(
      'klive_station_cpu_percent',
      'CPU of the station process (100 = one core)',
      [],
      (g, s) => s.system.cpuPercent !== null && g.set(s.system.cpuPercent),
    );
    gauge('klive_station_rss_bytes', 'resident memory of the station process', [], (g, s) => g.set(s.system.rssBytes));
    gauge('klive_ffmpeg_processes', 'running FFmpeg processes', [], (g, s) => g.set(s.system.ffmpegCount));
    gauge(
      'klive_ffmpeg_cpu_percent',
      'CPU of all FFmpeg processes (100 = one core)',
      [],
      (g, s) => s.system.ffmpegCpuPercent !== null && g.set(s.system.ffmpegCpuPercent),
    );
    gauge(
      'klive_ffmpeg_rss_bytes',
      'resident memory of all FFmpeg processes',
      [],
      (g, s) => s.system.ffmpegRssBytes !== null && g.set(s.system.ffmpegRssBytes),
    );
    gauge('klive_load_average_1m', 'machine load average over 1 minute', [], (g, s) => g.set(s.system.loadAverage1m));
    gauge('klive_cpu_cores', 'CPU cores of the machine', [], (g, s) => g.set(s.system.cores));

    const auth = this.sources.authResults;
    new Counter({
      name: 'klive_auth_results_total',
      help: "stream authentication outcomes: 'accepted' or the refusal's Kaltura code",
      labelNames: ['result'] as const,
      registers: reg,
      collect() {
        this.reset();
        for (const [result, n] of auth()) this.inc({ result }, n);
      },
    });
    this.apiDuration = new Histogram({
      name: 'klive_kaltura_api_call_duration_seconds',
      help: 'Kaltura API call latency',
      labelNames: ['call', 'outcome'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: reg,
    });
    this.apiCalls = new Counter({
      name: 'klive_kaltura_api_calls_total',
      help: 'Kaltura API calls by outcome and error code',
      labelNames: ['call', 'outcome', 'code'] as const,
      registers: reg,
    });
  }

  /** The hook for the Kaltura client: one observation per API call. */
  recordApiCall(o: ApiCallObservation): void {
    const call = o.call.slice(0, 60) || 'unknown';
    this.apiDuration.observe({ call, outcome: o.outcome }, Math.max(0, o.durationMs) / 1000);
    this.apiCalls.inc({ call, outcome: o.outcome, code: (o.code ?? '').slice(0, 60) });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition, from one snapshot. */
  async render(): Promise<string> {
    this.current = this.sources.snapshot();
    try {
      return await this.registry.metrics();
    } finally {
      this.current = null;
    }
  }
}
