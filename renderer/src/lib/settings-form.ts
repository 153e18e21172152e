// The settings form as plain data: from PublicSettings to editable strings, client-side validation with
// messages that say how to fix, and the settings.update payload (only what changed; the secret only if typed).
import type { KalturaMode, PublicSettings, VideoEncoder } from '../../../shared/settings.js';
import type { FieldError, SettingsUpdate } from '../../../shared/bridge/contract.js';
import { hostnameProblem } from '../../../shared/hostname.js';

export interface SettingsForm {
  mode: KalturaMode;
  serviceUrl: string;
  partnerId: string;
  /** write-only: '' = keep the stored secret */
  adminSecret: string;
  hostname: string;
  ffmpegPath: string;
  videoEncoder: VideoEncoder;
  defaultSegmentDurationSeconds: string;
  beaconsEnabled: boolean;
}

export type SettingsField = keyof SettingsForm;
export type FormErrors = Partial<Record<SettingsField, string>>;

export function formFromSettings(s: PublicSettings): SettingsForm {
  return {
    mode: s.kaltura.mode,
    serviceUrl: s.kaltura.serviceUrl,
    partnerId: String(s.kaltura.partnerId),
    adminSecret: '',
    hostname: s.kaltura.hostname,
    ffmpegPath: s.media.ffmpegPath,
    videoEncoder: s.media.videoEncoder,
    defaultSegmentDurationSeconds: String(s.media.defaultSegmentDurationSeconds),
    beaconsEnabled: s.kaltura.beaconsEnabled,
  };
}

export function validateSettingsForm(form: SettingsForm, adminSecretStored: boolean): FormErrors {
  const errors: FormErrors = {};
  if (form.mode !== 'sandbox') {
    const url = form.serviceUrl.trim();
    if (!url)
      errors.serviceUrl =
        'Enter the Kaltura service URL, e.g. https://www.kaltura.com (SaaS) or your on-prem server address.';
    else if (!/^https?:\/\/[^\s/]+/i.test(url))
      errors.serviceUrl =
        'The service URL must start with https:// (or http:// on a private network), e.g. https://www.kaltura.com.';
    if (!adminSecretStored && !form.adminSecret.trim())
      errors.adminSecret =
        'Enter the admin secret (KMC → Settings → Integration Settings) so the station can create a KS.';
  }
  if (!/^-?\d+$/.test(form.partnerId.trim()))
    errors.partnerId =
      'Partner id is a whole number: -5 for a SaaS/on-prem media server, your own partner id for eCDN.';
  if (form.adminSecret && /\s/.test(form.adminSecret.trim()))
    errors.adminSecret = 'The admin secret has no spaces: copy it again from the KMC.';
  const hostProblem = form.hostname.trim() ? hostnameProblem(form.hostname.trim()) : null;
  if (hostProblem) errors.hostname = hostProblem;
  const seg = Number(form.defaultSegmentDurationSeconds);
  if (!form.defaultSegmentDurationSeconds.trim() || !Number.isFinite(seg) || seg < 1 || seg > 20)
    errors.defaultSegmentDurationSeconds =
      'Segment duration is between 1 and 20 seconds (2 is a good default; longer = more latency).';
  if (form.ffmpegPath && /[\n\r]/.test(form.ffmpegPath))
    errors.ffmpegPath = 'The FFmpeg path is one line: the full path of the ffmpeg binary, or empty to detect it.';
  return errors;
}

/** Only the fields that differ from the saved settings, plus the secret when one was typed. */
export function settingsUpdateFromForm(form: SettingsForm, saved: PublicSettings): SettingsUpdate {
  const kaltura: NonNullable<SettingsUpdate['kaltura']> = {};
  const media: NonNullable<SettingsUpdate['media']> = {};
  if (form.mode !== saved.kaltura.mode) kaltura.mode = form.mode;
  if (form.serviceUrl.trim() !== saved.kaltura.serviceUrl) kaltura.serviceUrl = form.serviceUrl.trim();
  if (Number(form.partnerId) !== saved.kaltura.partnerId) kaltura.partnerId = Number(form.partnerId);
  if (form.hostname.trim() !== saved.kaltura.hostname) kaltura.hostname = form.hostname.trim();
  if (form.beaconsEnabled !== saved.kaltura.beaconsEnabled) kaltura.beaconsEnabled = form.beaconsEnabled;
  if (form.ffmpegPath.trim() !== saved.media.ffmpegPath) media.ffmpegPath = form.ffmpegPath.trim();
  if (form.videoEncoder !== saved.media.videoEncoder) media.videoEncoder = form.videoEncoder;
  if (Number(form.defaultSegmentDurationSeconds) !== saved.media.defaultSegmentDurationSeconds)
    media.defaultSegmentDurationSeconds = Number(form.defaultSegmentDurationSeconds);
  const update: SettingsUpdate = {};
  if (Object.keys(kaltura).length > 0) update.kaltura = kaltura;
  if (Object.keys(media).length > 0) update.media = media;
  if (form.adminSecret.trim()) update.adminSecret = form.adminSecret.trim();
  return update;
}

const FORM_FIELDS: readonly SettingsField[] = [
  'mode',
  'serviceUrl',
  'partnerId',
  'adminSecret',
  'hostname',
  'ffmpegPath',
  'videoEncoder',
  'defaultSegmentDurationSeconds',
  'beaconsEnabled',
];

/** Maps server field errors ("kaltura.serviceUrl") onto form fields; the rest go under '_form'. */
export function mapServerErrors(errors: readonly FieldError[]): { fields: FormErrors; other: string[] } {
  const fields: FormErrors = {};
  const other: string[] = [];
  for (const e of errors) {
    const last = e.path.split('.').pop() ?? '';
    const field = FORM_FIELDS.find((f) => f === last);
    if (field) fields[field] = fields[field] ? `${fields[field]} ${e.message}` : e.message;
    else other.push(e.path ? `${e.path}: ${e.message}` : e.message);
  }
  return { fields, other };
}
