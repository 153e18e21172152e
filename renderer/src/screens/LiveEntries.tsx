// The live-entries list: one row per entry, problems first. The list subscribes only to the order of ids;
// each row subscribes to its own entry, so a delta for one entry re-renders one row.
import { memo, useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useEntries, useSandbox, useSystem, useUi, useApp } from '../state/context.js';
import {
  healthText,
  healthTone,
  inputSummary,
  mainStream,
  refusalReason,
  sortEntryIds,
  streamIndicator,
  worstAlertSeverity,
} from '../state/selectors.js';
import type { StreamIndicator } from '../state/selectors.js';
import { ToneBadge } from '../components/ToneBadge.js';
import { Uptime } from '../components/Uptime.js';
import { buildPublishDetails } from '../../../shared/sandbox.js';
import { formatBitrate, formatFps, formatResolution } from '../lib/format.js';
import { loadSandbox } from '../state/sync.js';

export function LiveEntries() {
  const ids = useEntries(useShallow((s) => sortEntryIds(s.byId)));
  const synced = useUi((s) => s.synced);
  if (ids.length === 0)
    return synced ? (
      <EmptyState />
    ) : (
      <p className="muted" role="status">
        Connecting to the station…
      </p>
    );
  return (
    <section aria-labelledby="live-title">
      <div className="section-head">
        <h2 id="live-title">Live entries</h2>
        <span className="muted">{ids.length === 1 ? '1 entry' : `${ids.length} entries`} · problems first</span>
      </div>
      <table className="entries-table" data-testid="entries-table">
        <thead>
          <tr>
            <th scope="col">Health</th>
            <th scope="col">Entry</th>
            <th scope="col">Encoders · state</th>
            <th scope="col">Uptime</th>
            <th scope="col">Input</th>
            <th scope="col">Alerts</th>
          </tr>
        </thead>
        <tbody>
          {ids.map((id) => (
            <EntryRow key={id} entryId={id} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function IndicatorPill({ indicator }: { indicator: StreamIndicator }) {
  return (
    <ToneBadge
      tone={indicator.tone}
      text={`${indicator.label === 'Primary' ? 'P' : 'B'} ${indicator.text}`}
      title={`${indicator.label}: ${indicator.text}`}
    />
  );
}

export const EntryRow = memo(function EntryRow({ entryId }: { entryId: string }) {
  const entry = useEntries((s) => s.byId[entryId]);
  const openEntry = useApp().stores.ui.getState().openEntry;
  if (!entry) return null;
  const stream = mainStream(entry);
  const refusal = refusalReason(entry);
  const worst = worstAlertSeverity(entry.alerts);
  const open = () => openEntry(entryId);
  return (
    <tr
      className={`entry-row entry-row--${healthTone(entry.health)}`}
      data-testid={`entry-row-${entryId}`}
      tabIndex={0}
      aria-label={`${entry.name} (${entryId}), ${healthText(entry)}. Press Enter for details.`}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          open();
        }
      }}
    >
      <td>
        <ToneBadge
          tone={healthTone(entry.health)}
          text={entry.health}
          testId="entry-health"
          title={healthText(entry)}
        />
        {entry.healthReason && entry.healthReason !== refusal && (
          <div className="cell-sub" data-testid="entry-health-reason" title={entry.healthReason}>
            {entry.healthReason}
          </div>
        )}
      </td>
      <td>
        <div className="entry-name" title={entry.name}>
          {entry.name}
        </div>
        <div className="cell-sub mono">
          {entryId} · partner {entry.partnerId}
        </div>
      </td>
      <td className="state-cell" data-testid="entry-state" data-state={stream?.state ?? 'none'}>
        <div className="pill-stack">
          <IndicatorPill indicator={streamIndicator(entry, 0)} />
          <IndicatorPill indicator={streamIndicator(entry, 1)} />
        </div>
        {refusal && (
          <div className="cell-sub text-poor" data-testid="refusal-reason">
            {refusal}
          </div>
        )}
      </td>
      <td className="mono">
        {stream && stream.state !== 'ended' && stream.state !== 'refused' ? (
          <Uptime sinceMs={stream.connectedAtMs} />
        ) : (
          '—'
        )}
      </td>
      <td className="mono nowrap" data-testid="entry-input" title={inputSummary(stream)}>
        {stream?.probe ? (
          <>
            <div>
              {formatResolution(stream.probe.width, stream.probe.height)} · {formatFps(stream.probe.frameRateFps)}
            </div>
            <div className="cell-sub">{formatBitrate(stream.probe.videoBitrateBps)}</div>
          </>
        ) : (
          '—'
        )}
      </td>
      <td>
        {entry.alerts.length === 0 ? (
          <span className="muted">None</span>
        ) : (
          <ul className="alert-list-compact" aria-label={`${entry.alerts.length} active alerts`}>
            {entry.alerts.slice(0, 2).map((a) => (
              <li
                key={`${a.code}-${a.streamName ?? ''}-${a.mediaServerIndex ?? ''}`}
                className={`sev-${a.severity}`}
                title={a.text}
              >
                {a.name}
              </li>
            ))}
            {entry.alerts.length > 2 && <li className={`sev-${worst ?? 'info'}`}>+{entry.alerts.length - 2} more</li>}
          </ul>
        )}
      </td>
    </tr>
  );
});

function EmptyState() {
  const { connection, stores } = useApp();
  const info = useSystem((s) => s.info);
  const loaded = useSandbox((s) => s.entries !== null);
  const sample = useSandbox((s) => s.entries?.[0] ?? null);
  const openConnect = stores.ui.getState().openConnect;
  useEffect(() => {
    // the example uses a real sandbox entry id when there is one ([] outside sandbox mode)
    if (!loaded) void loadSandbox(connection, stores);
  }, [connection, stores, loaded]);
  const rtmpUrl = info?.rtmpUrl ?? 'rtmp://localhost:1935/kLive';
  const example = buildPublishDetails({
    rtmpUrl,
    partnerId: sample?.partnerId ?? 102,
    entryId: sample?.entryId ?? '0_rkij47dr',
    token: 'TOKEN',
  });
  return (
    <section className="empty-state" aria-labelledby="empty-title" data-testid="live-empty">
      <h2 id="empty-title">No live entries yet</h2>
      <p>
        Point OBS (Settings → Stream → Service: Custom) at this station. For{' '}
        {sample ? <strong>{sample.name}</strong> : 'the sandbox entry'} it looks like:
      </p>
      <dl className="connect-fields">
        <dt>Server</dt>
        <dd>
          <code>{example.primary.serverUrl}</code>
        </dd>
        <dt>Stream key</dt>
        <dd>
          <code>{example.primary.streamKey}</code>
        </dd>
      </dl>
      <p className="muted">
        TOKEN is the entry's stream token. The Connect screen shows the exact values with the real token, ready to copy.
      </p>
      <button type="button" className="primary" onClick={() => openConnect(sample?.entryId ?? null)}>
        Open Connect an encoder
      </button>
    </section>
  );
}
