// The transcoding ladder of one stream, rendition by rendition: target vs measured bitrate with drift colour, and
// where the key frames go when the encoder's GOP is too long for the segments (a re-encoded or unaligned source).
import { memo } from 'react';
import type { KeyFramePolicy, RenditionState } from '../../../shared/state.js';
import { Sparkline } from '../components/Sparkline.js';
import { ToneBadge } from '../components/ToneBadge.js';
import { formatBitrate, formatResolution, formatSpeed } from '../lib/format.js';
import { bitrateDrift } from '../state/selectors.js';

const RenditionRow = memo(function RenditionRow({
  rendition,
  speed,
}: {
  rendition: RenditionState;
  speed: number | null;
}) {
  const drift = rendition.passthrough
    ? null
    : bitrateDrift(rendition.targetTotalBitrateBps ?? rendition.targetVideoBitrateBps, rendition.measuredBitrateBps);
  return (
    <tr data-testid={`rendition-row-${rendition.streamName}`} className={drift ? `drift--${drift.tone}` : undefined}>
      <th scope="row">
        <div>{rendition.name}</div>
        <div className="cell-sub mono">{rendition.streamName}</div>
        {rendition.note && (
          <div className="cell-sub text-fair" data-testid="rendition-note">
            {rendition.note}
          </div>
        )}
      </th>
      <td className="mono">{formatResolution(rendition.width, rendition.height)}</td>
      <td>
        {rendition.passthrough
          ? 'passthrough'
          : [rendition.videoCodec, rendition.audioCodec].filter(Boolean).join(' + ') || '—'}
      </td>
      <td className="mono num">{rendition.passthrough ? 'source' : formatBitrate(rendition.targetVideoBitrateBps)}</td>
      <td className="mono num">
        <span
          data-testid="measured-bitrate"
          data-tone={drift?.tone ?? 'idle'}
          className={drift ? `text-${drift.tone}` : undefined}
        >
          {formatBitrate(rendition.measuredBitrateBps)}
        </span>
        {drift && drift.tone !== 'good' && drift.ratio !== null && (
          <div className="cell-sub">
            <ToneBadge tone={drift.tone} text={drift.text} />
          </div>
        )}
      </td>
      <td>
        <Sparkline
          values={rendition.bitrateHistoryBps}
          targetValue={rendition.targetVideoBitrateBps}
          widthPx={96}
          label={`${rendition.name} bitrate over the last ${rendition.bitrateHistoryBps.length} samples`}
        />
      </td>
      <td className="mono num">{formatSpeed(speed)}</td>
    </tr>
  );
});

/** the policies that change what the conversion profile asked for, and so need saying */
const TOLD: ReadonlySet<KeyFramePolicy['sourceRung']> = new Set(['reencoded', 'passthrough-cpu', 'passthrough-only']);

export function LadderTable({
  renditions,
  speed,
  keyFrames = null,
}: {
  renditions: readonly RenditionState[];
  speed: number | null;
  keyFrames?: KeyFramePolicy | null;
}) {
  if (renditions.length === 0)
    return (
      <p className="muted">
        No renditions yet: the ladder appears once Kaltura's conversion profile is loaded and FFmpeg starts.
      </p>
    );
  const told =
    keyFrames &&
    TOLD.has(keyFrames.sourceRung) &&
    (keyFrames.sourceRung !== 'passthrough-only' || renditions.some((r) => r.note));
  return (
    <>
      {told && (
        <p className="cell-sub text-fair" data-testid="ladder-keyframes">
          Key frames: {keyFrames.text}
        </p>
      )}
      <table className="ladder-table" data-testid="ladder-table">
        <caption className="sr-only">Transcoding ladder</caption>
        <thead>
          <tr>
            <th scope="col">Rendition</th>
            <th scope="col">Resolution</th>
            <th scope="col">Codec</th>
            <th scope="col" className="num">
              Target
            </th>
            <th scope="col" className="num">
              Measured
            </th>
            <th scope="col">History</th>
            <th scope="col" className="num" title="FFmpeg encoder speed (1.00× = real time)">
              Speed
            </th>
          </tr>
        </thead>
        <tbody>
          {renditions.map((r) => (
            <RenditionRow key={r.streamName} rendition={r} speed={speed} />
          ))}
        </tbody>
      </table>
    </>
  );
}
