// The Media section of Settings: the FFmpeg path and the FFmpeg in use, the video encoder (only those that passed
// the station's test encode), and the default segment duration.
import { useEffect, useState } from 'react';
import { VIDEO_ENCODERS } from '../../../shared/settings.js';
import type { EncoderAvailability, VideoEncoder } from '../../../shared/settings.js';
import { useApp, useSystem } from '../state/context.js';
import { ToneBadge } from '../components/ToneBadge.js';
import { ffmpegSummary } from '../state/selectors.js';
import { Field, type SettingsSectionProps } from './SettingsField.js';

export function MediaSettingsSection({ form, errors, set, inputProps }: Omit<SettingsSectionProps, 'saved'>) {
  const { connection } = useApp();
  const info = useSystem((s) => s.info);
  const [encoders, setEncoders] = useState<EncoderAvailability | null>(null);
  useEffect(() => {
    let stale = false;
    // an older station (or a test bridge) may not answer this: the list then stays "testing…"
    Promise.resolve()
      .then(() => connection.bridge.request['media.listEncoders']({}))
      .then((a) => !stale && setEncoders(a))
      .catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [connection]);
  return (
    <fieldset>
      <legend>Media</legend>
      <Field
        field="ffmpegPath"
        label="FFmpeg path"
        errors={errors}
        hint={`Empty: detect (FFMPEG_PATH, PATH, bundled). In use: ${info?.ffmpeg.path ?? 'none found'}${info?.ffmpeg.version ? ` (${info.ffmpeg.version})` : ''}.`}
      >
        <input
          {...inputProps('ffmpegPath')}
          data-testid="settings-ffmpegPath"
          value={form.ffmpegPath}
          spellCheck={false}
          onChange={(e) => set('ffmpegPath', e.target.value)}
        />
      </Field>
      <FfmpegInUse ffmpeg={info?.ffmpeg ?? null} />
      <Field
        field="videoEncoder"
        label="Video encoder"
        errors={errors}
        hint="libx264 works everywhere; hardware encoders need a matching GPU and FFmpeg build."
      >
        <select
          {...inputProps('videoEncoder')}
          data-testid="settings-videoEncoder"
          value={form.videoEncoder}
          onChange={(e) => set('videoEncoder', e.target.value as VideoEncoder)}
        >
          {VIDEO_ENCODERS.map((v) => (
            <option key={v} value={v} disabled={encoderUsable(encoders, v) === false && v !== form.videoEncoder}>
              {encoderLabel(encoders, v)}
            </option>
          ))}
        </select>
      </Field>
      <Field
        field="defaultSegmentDurationSeconds"
        label="Default segment duration (s)"
        errors={errors}
        hint="Used when the entry does not say. 1–20 s."
      >
        <input
          {...inputProps('defaultSegmentDurationSeconds')}
          data-testid="settings-defaultSegmentDurationSeconds"
          type="number"
          min={1}
          max={20}
          step={1}
          value={form.defaultSegmentDurationSeconds}
          onChange={(e) => set('defaultSegmentDurationSeconds', e.target.value)}
        />
      </Field>
    </fieldset>
  );
}

/** null while unknown; false when the station's test encode failed (or no FFmpeg). */
function encoderUsable(a: EncoderAvailability | null, encoder: VideoEncoder): boolean | null {
  if (!a || a.state === 'detecting') return encoder === 'libx264' ? true : null;
  return a.working.includes(encoder);
}

function encoderLabel(a: EncoderAvailability | null, encoder: VideoEncoder): string {
  const usable = encoderUsable(a, encoder);
  if (usable === true) return encoder === 'libx264' ? 'libx264 (CPU, always available)' : `${encoder} (detected)`;
  if (usable === null) return `${encoder} (testing…)`;
  if (a?.state === 'no-ffmpeg') return `${encoder} (no FFmpeg)`;
  return `${encoder} (not available on this machine)`;
}

/** The FFmpeg in use: release, where it came from, what it cannot do, and the warning with the fix. */
function FfmpegInUse(props: { ffmpeg: Parameters<typeof ffmpegSummary>[0] }) {
  const summary = ffmpegSummary(props.ffmpeg);
  if (!props.ffmpeg) return null;
  return (
    <div className="field" data-testid="settings-ffmpeg-in-use">
      <ToneBadge tone={summary.tone} text={summary.text} title={summary.detail} />
      {summary.cannot.length > 0 && (
        <ul className="hint">
          {summary.cannot.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {props.ffmpeg.warning && (
        <p className={props.ffmpeg.lacks?.length ? 'text-poor' : 'text-fair'}>{props.ffmpeg.warning}</p>
      )}
    </div>
  );
}
