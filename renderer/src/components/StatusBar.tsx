// The status bar: KS validity with renew-now, Kaltura API reachability, CPU and memory, the FFmpeg in use (release,
// where it came from; a warning when it is missing, too old or lacking), and the bridge connection state.
import { useState } from 'react';
import { useApp, useKaltura, useSystem, useUi } from '../state/context.js';
import { apiSummary, ffmpegSummary, ksSummary } from '../state/selectors.js';
import { formatBytes, formatPercent } from '../lib/format.js';
import { describeError } from '../state/sync.js';
import { ToneBadge } from './ToneBadge.js';
import type { ConnectionStatus } from '../bridge/ws-client.js';

const LINK_TEXT: Record<ConnectionStatus, string> = {
  open: 'Station connected',
  connecting: 'Connecting to the station…',
  reconnecting: 'Reconnecting to the station…',
  unauthorized: 'Access token required: open the address the station printed (…?token=…)',
  closed: 'Disconnected: reload the page',
};

/**
 * Shown above every screen while FFmpeg is missing or broken (nothing can be transcoded until it is fixed), or
 * too old or lacking something (with the fix), before any stream arrives.
 */
export function FfmpegWarning() {
  const ffmpeg = useSystem((s) => s.info?.ffmpeg ?? null);
  if (!ffmpeg) return null;
  if (ffmpeg.status === 'ok') {
    if (!ffmpeg.warning) return null;
    const lacking = (ffmpeg.lacks ?? []).length > 0;
    return (
      <div className={`banner ${lacking ? 'banner--poor' : 'banner--fair'}`} role="alert" data-testid="ffmpeg-warning">
        <strong>
          {lacking ? '✕' : '⚠'} FFmpeg {ffmpeg.release ?? ffmpeg.version}.
        </strong>{' '}
        {ffmpeg.warning}
      </div>
    );
  }
  return (
    <div className="banner banner--poor" role="alert" data-testid="ffmpeg-warning">
      <strong>✕ FFmpeg {ffmpeg.status}.</strong> {ffmpeg.message ?? 'The station cannot transcode.'} Streams are refused
      until this is fixed: install FFmpeg or set its path in Settings.
    </div>
  );
}

export function StatusBar() {
  const { connection, stores } = useApp();
  const status = useKaltura((s) => s.status);
  const system = useSystem((s) => s.system);
  const ffmpeg = ffmpegSummary(useSystem((s) => s.info?.ffmpeg ?? null));
  const nowMs = useUi((s) => s.nowMs);
  const link = useUi((s) => s.connection);
  const [renewError, setRenewError] = useState<string | null>(null);
  const [renewing, setRenewing] = useState(false);
  const ks = ksSummary(status?.ks, nowMs);
  const api = apiSummary(status?.api);

  const renew = async () => {
    setRenewing(true);
    setRenewError(null);
    try {
      stores.kaltura.getState().setKs(await connection.bridge.request['kaltura.renewKs']({}));
    } catch (error) {
      setRenewError(`Renew failed: ${describeError(error)}`);
    } finally {
      setRenewing(false);
    }
  };

  return (
    <footer className="status-bar" aria-label="Station status">
      <span data-testid="status-connection">
        <ToneBadge
          tone={link === 'open' ? 'good' : link === 'closed' || link === 'unauthorized' ? 'poor' : 'fair'}
          text={LINK_TEXT[link]}
        />
      </span>
      {status && <span className="muted">{status.mode === 'sandbox' ? 'Sandbox' : status.serviceUrl}</span>}
      <span data-testid="status-ks">
        <ToneBadge tone={ks.tone} text={ks.text} />
      </span>
      <button
        type="button"
        className="small"
        onClick={() => void renew()}
        disabled={renewing || !status}
        data-testid="status-renew-ks"
      >
        {renewing ? 'Renewing…' : 'Renew now'}
      </button>
      {renewError && (
        <span className="text-poor" role="alert">
          {renewError}
        </span>
      )}
      <span data-testid="status-api">
        <ToneBadge tone={api.tone} text={api.text} />
      </span>
      <span className="spacer" />
      <span data-testid="status-cpu">CPU {formatPercent(system?.cpuPercent ?? null)}</span>
      <span data-testid="status-memory">
        RAM{' '}
        {system && system.memoryTotalBytes > 0
          ? `${formatBytes(system.memoryTotalBytes - system.memoryFreeBytes)} / ${formatBytes(system.memoryTotalBytes)}`
          : '—'}
      </span>
      <span>FFmpeg ×{system?.ffmpegCount ?? 0}</span>
      <span data-testid="status-ffmpeg">
        {ffmpeg.tone === 'good' ? (
          <span title={ffmpeg.detail}>{ffmpeg.text}</span>
        ) : (
          <ToneBadge tone={ffmpeg.tone} text={ffmpeg.text} title={ffmpeg.detail} />
        )}
      </span>
    </footer>
  );
}
