// The transcoding ladder of one stream, rendition by rendition: target vs measured bitrate with drift colour.
import { memo } from 'react';
import type { RenditionState } from '../../../shared/state.js';
import { Sparkline } from '../components/Sparkline.js';
import { ToneBadge } from '../components/ToneBadge.js';
import { formatBitrate, formatResolution, formatSpeed } from '../lib/format.js';
import { bitrateDrift } from '../state/selectors.js';

const RenditionRow = memo(function RenditionRow({ rendition, speed }: { rendition: RenditionState; speed: number | null }) {
  const drift = rendition.passthrough ? null : bitrateDrift(rendition.targetTotalBitrateBps ?? rendition.targetVideoBitrateBps, rendition.measuredBitrateBps);
  return (
    <tr data-testid={`rendition-row-${rendition.streamName}`} className={drift ? `drift--${drift.tone}` : undefined}>
      <th scope="row">
        <div>{rendition.name}</div>
        <div className="cell-sub mono">{rendition.streamName}</div>
      </th>
      <td className="mono">{formatResolution(rendition.width, rendition.height)}</td>
      <td>{rendition.passthrough ? 'passthrough' : [rendition.videoCodec, rendition.audioCodec].filter(Boolean).join(' + ') || '—'}</td>
      <td className="mono num">{rendition.passthrough ? 'source' : formatBitrate(rendition.targetVideoBitrateBps)}</td>
      <td className="mono num">
        <span data-testid="measured-bitrate" data-tone={drift?.tone ?? 'idle'} className={drift ? `text-${drift.tone}` : undefined}>
          {formatBitrate(rendition.measuredBitrateBps)}
        </span>
        {drift && drift.tone !== 'good' && drift.ratio !== null && (
          <div className="cell-sub">
            <ToneBadge tone={drift.tone} text={drift.text} />
          </div>
        )}
      </td>
      <td>
        <Sparkline values={rendition.bitrateHistoryBps} targetValue={rendition.targetVideoBitrateBps} widthPx={96} label={`${rendition.name} bitrate over the last ${rendition.bitrateHistoryBps.length} samples`} />
      </td>
      <td className="mono num">{formatSpeed(speed)}</td>
    </tr>
  );
});

export function LadderTable({ renditions, speed }: { renditions: readonly RenditionState[]; speed: number | null }) {
  if (renditions.length === 0) return <p className="muted">No renditions yet: the ladder appears once Kaltura's conversion profile is loaded and FFmpeg starts.</p>;
  return (
    <table className="ladder-table" data-testid="ladder-table">
      <caption className="sr-only">Transcoding ladder</caption>
      <thead>
        <tr>
          <th scope="col">Rendition</th>
          <th scope="col">Resolution</th>
          <th scope="col">Codec</th>
          <th scope="col" className="num">Target</th>
          <th scope="col" className="num">Measured</th>
          <th scope="col">History</th>
          <th scope="col" className="num" title="FFmpeg encoder speed (1.00× = real time)">Speed</th>
        </tr>
      </thead>
      <tbody>
        {renditions.map((r) => (
          <RenditionRow key={r.streamName} rendition={r} speed={speed} />
        ))}
      </tbody>
    </table>
  );
}
