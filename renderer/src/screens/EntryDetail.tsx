// One entry in depth: input health cards, the ladder, the HLS preview, Kaltura registration,
// recording and uploads, alerts and this entry's events.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EntryState, IngestStream, Metric } from '../../../shared/state.js';
import { useApp, useEntries, useEvents, useUi } from '../state/context.js';
import {
  filterEvents,
  healthText,
  healthTone,
  mainStream,
  metricTone,
  streamStateText,
  streamTone,
} from '../state/selectors.js';
import { ToneBadge } from '../components/ToneBadge.js';
import { Uptime } from '../components/Uptime.js';
import { LadderTable } from './LadderTable.js';
import { HlsPreview } from './HlsPreview.js';
import { SharePanel } from './SharePanel.js';
import { EventList } from './Events.js';
import { formatBytes, formatClock, formatRelative } from '../lib/format.js';

/** "keyframeInterval" -> "Keyframe interval" */
export function metricLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function MetricCard({ name, metric }: { name: string; metric: Metric }) {
  const tone = metricTone(metric.status);
  return (
    <div className={`card metric-card card--${tone}`} data-testid={`metric-${name}`}>
      <div className="card-label">{metricLabel(name)}</div>
      <div className="card-value">{metric.text}</div>
      <ToneBadge
        tone={tone}
        text={metric.status === 'normal' ? 'OK' : metric.status === 'warning' ? 'Warning' : 'Critical'}
      />
    </div>
  );
}

function StreamPicker({
  entry,
  streamId,
  onPick,
}: {
  entry: EntryState;
  streamId: string | null;
  onPick: (id: string) => void;
}) {
  if (entry.streams.length < 2) return null;
  return (
    <div role="tablist" aria-label="Streams of this entry" className="tabs">
      {entry.streams.map((s) => (
        <button key={s.id} role="tab" type="button" aria-selected={s.id === streamId} onClick={() => onPick(s.id)}>
          {s.mediaServerIndex === 0 ? 'Primary' : 'Backup'} · {streamStateText(s.state)}
        </button>
      ))}
    </div>
  );
}

function Registration({ stream }: { stream: IngestStream }) {
  const nowMs = useUi((s) => s.nowMs);
  const r = stream.registration;
  const tone = r.status === 'error' ? 'poor' : r.status === 'playable' || r.status === 'broadcasting' ? 'good' : 'idle';
  return (
    <div className="panel" data-testid="registration">
      <h3>Kaltura registration</h3>
      <ToneBadge tone={tone} text={r.status} testId="registration-status" />
      <p className="muted">
        Last keep-alive:{' '}
        {r.lastKeepAliveAtMs
          ? `${formatClock(r.lastKeepAliveAtMs)} (${formatRelative(r.lastKeepAliveAtMs, nowMs)})`
          : 'none yet'}
      </p>
      {r.lastError && <p className="text-poor">{r.lastError}</p>}
    </div>
  );
}

function Recording({ entry }: { entry: EntryState }) {
  const { connection } = useApp();
  const [retry, setRetry] = useState<string | null>(null);
  const rec = entry.recording;
  const refused = rec.items.some((i) => i.state === 'failed');
  const onRetry = async () => {
    setRetry('Retrying…');
    try {
      const r = await connection.bridge.request['recording.retry']({ entryId: entry.entryId });
      setRetry(r.entries > 0 ? 'Trying again now.' : 'Nothing to retry.');
    } catch (e) {
      setRetry(`Retry failed: ${(e as Error).message}`);
    }
  };
  return (
    <div className="panel" data-testid="recording">
      <h3>Recording and uploads</h3>
      <ToneBadge
        tone={!rec.enabled ? 'idle' : rec.active ? 'good' : 'fair'}
        text={!rec.enabled ? 'Recording off' : rec.active ? 'Recording' : 'Not recording'}
      />
      {rec.reason && <p className="muted">{rec.reason}</p>}
      {refused && (
        <div className="button-row">
          <button
            type="button"
            data-testid="recording-retry"
            disabled={!connection.canMutate}
            onClick={() => void onRetry()}
          >
            Retry refused uploads
          </button>
          {retry && <span className="muted">{retry}</span>}
        </div>
      )}
      {rec.items.length === 0 ? (
        <p className="muted">No recorded chunks yet.</p>
      ) : (
        <ul className="upload-list">
          {rec.items.map((item) => (
            <li key={item.id} data-testid={`upload-${item.id}`}>
              <span className="mono">{item.fileName}</span>
              <span className="muted">
                {formatBytes(item.sizeBytes)} · {item.state}
                {item.isLastChunk ? ' · last chunk' : ''}
              </span>
              <progress max={100} value={item.percent} aria-label={`${item.fileName} upload`}>
                {Math.round(item.percent)}%
              </progress>
              <span className="mono">{Math.round(item.percent)}%</span>
              {item.reason && <span className="text-poor">{item.reason}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function EntryDetail() {
  const { stores } = useApp();
  const entryId = useUi((s) => s.selectedEntryId);
  const entry = useEntries((s) => (entryId ? s.byId[entryId] : undefined));
  const events = useEvents(
    useShallow((s) => (entryId ? filterEvents(s.list, { entryId, severity: null }).slice(0, 50) : [])),
  );
  const [pickedStreamId, setPickedStreamId] = useState<string | null>(null);
  const back = () => stores.ui.getState().navigate('live');
  if (!entry) {
    return (
      <section>
        <button type="button" onClick={back}>
          ← Live entries
        </button>
        <p className="muted">
          This entry is no longer in the live state (it ended a while ago). Pick another one from Live entries.
        </p>
      </section>
    );
  }
  const stream = entry.streams.find((s) => s.id === pickedStreamId) ?? mainStream(entry);
  return (
    <section aria-labelledby="detail-title" data-testid="entry-detail">
      <div className="section-head">
        <button type="button" onClick={back}>
          ← Live entries
        </button>
        <h2 id="detail-title">{entry.name}</h2>
        <span className="mono muted">{entry.entryId}</span>
        <span className="muted">partner {entry.partnerId}</span>
        <ToneBadge tone={healthTone(entry.health)} text={healthText(entry)} testId="entry-health" />
        <span className="muted">DVR {entry.dvrEnabled ? 'on' : 'off'}</span>
      </div>
      <StreamPicker entry={entry} streamId={stream?.id ?? null} onPick={setPickedStreamId} />
      {!stream ? (
        <p className="muted">No stream yet for this entry. Connect an encoder to start it.</p>
      ) : stream.state === 'refused' ? (
        <div className="panel refused-panel">
          <h3>Stream refused</h3>
          <p className="text-poor" data-testid="refusal-reason">
            {stream.reason ?? 'The station refused this stream.'}
          </p>
          <p className="muted">
            The encoder at <span className="mono">{stream.sourceAddress}</span> was turned away before publishing, so
            there is no input, ladder or preview. Fix the cause above, then restart streaming in the encoder (the
            Connect screen has the exact Server URL and Stream key).
          </p>
        </div>
      ) : (
        <>
          <div className="stream-line">
            <ToneBadge
              tone={streamTone(stream.state)}
              text={`${stream.mediaServerIndex === 0 ? 'Primary' : 'Backup'}: ${streamStateText(stream.state)}`}
            />
            {stream.state !== 'ended' && (
              <span className="muted">
                up <Uptime sinceMs={stream.connectedAtMs} />
              </span>
            )}
            <span className="muted mono">from {stream.sourceAddress}</span>
            {stream.reason && <span className="text-poor">{stream.reason}</span>}
          </div>
          <h3>Input health</h3>
          <div className="cards" data-testid="input-health">
            {Object.keys(stream.metrics).length === 0 && !stream.transcoder && (
              <p className="muted">
                No input measurements yet: they appear a few seconds after the encoder starts sending.
              </p>
            )}
            {Object.entries(stream.metrics).map(([name, metric]) => (
              <MetricCard key={name} name={name} metric={metric} />
            ))}
            {stream.transcoder && (
              <div
                className={`card card--${stream.transcoder.observed === 'running' ? 'good' : stream.transcoder.observed === 'failed' || stream.transcoder.observed === 'stalled' ? 'poor' : 'fair'}`}
                data-testid="transcoder-card"
              >
                <div className="card-label">FFmpeg</div>
                <div className="card-value">
                  {stream.transcoder.observed}
                  {stream.transcoder.encoder ? ` · ${stream.transcoder.encoder}` : ''}
                </div>
                <div className="cell-sub">restarts {stream.transcoder.restarts}</div>
                {stream.transcoder.lastError && <div className="cell-sub text-poor">{stream.transcoder.lastError}</div>}
              </div>
            )}
          </div>
          <div className="detail-grid">
            <div>
              <h3>Ladder</h3>
              <LadderTable
                renditions={stream.renditions}
                speed={stream.transcoder?.speed ?? null}
                keyFrames={stream.transcoder?.keyFrames ?? null}
              />
            </div>
            <div>
              <h3>Preview</h3>
              {stream.masterPlaylistUrl ? (
                <HlsPreview masterPlaylistUrl={stream.masterPlaylistUrl} />
              ) : (
                <p className="muted">The preview starts when the first HLS segments are written.</p>
              )}
            </div>
          </div>
          <div className="panels">
            <Registration stream={stream} />
            <Recording entry={entry} />
          </div>
        </>
      )}
      <div className="panels">
        <SharePanel entryId={entry.entryId} />
      </div>
      <div className="panels">
        <div className="panel" data-testid="entry-alerts">
          <h3>Alerts</h3>
          {entry.alerts.length === 0 ? (
            <p className="muted">No active alerts.</p>
          ) : (
            <ul className="alert-list">
              {entry.alerts.map((a) => (
                <li key={`${a.code}-${a.streamName ?? ''}-${a.mediaServerIndex ?? ''}`} className={`sev-${a.severity}`}>
                  <strong>{a.name}</strong>{' '}
                  <span className="muted">
                    ({a.severity}, since {formatClock(a.raisedAtMs)})
                  </span>
                  <div>{a.text}</div>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="panel">
          <h3>Events for this entry</h3>
          <EventList events={events} showEntry={false} />
        </div>
      </div>
    </section>
  );
}
