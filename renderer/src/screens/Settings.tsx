// Settings: Kaltura mode and account, hostname, FFmpeg and encoder, segment duration, beacons.
// Validated here first, then by the station (its field errors are shown next to the fields).
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { KALTURA_MODES, VIDEO_ENCODERS } from '../../../shared/settings.js';
import type { EncoderAvailability, KalturaMode, PublicSettings, VideoEncoder } from '../../../shared/settings.js';
import type { ConnectionTestResult } from '../../../shared/bridge/contract.js';
import { useApp, useSettings, useSystem } from '../state/context.js';
import { describeError } from '../state/sync.js';
import {
  formFromSettings,
  mapServerErrors,
  settingsUpdateFromForm,
  validateSettingsForm,
} from '../lib/settings-form.js';
import type { FormErrors, SettingsField, SettingsForm } from '../lib/settings-form.js';
import { ToneBadge } from '../components/ToneBadge.js';
import { ffmpegSummary } from '../state/selectors.js';
import { ServerNodeStatus } from '../components/ServerNodeStatus.js';

const MODE_LABEL: Record<KalturaMode, string> = {
  sandbox: 'Sandbox (built-in, offline)',
  saas: 'Kaltura SaaS (media-server partner -5)',
  onprem: 'Kaltura on-prem (media-server partner -5)',
  ecdn: 'eCDN / Hybrid eCDN (your own partner: use this for a Kaltura account)',
};

const MODE_HINT: Record<KalturaMode, string> = {
  sandbox: 'The built-in sandbox: no account needed, for rehearsals.',
  ecdn: 'Your partner id and admin secret, no impersonation. Ask your Kaltura account manager for the Server Node and Hybrid eCDN features.',
  saas: "Partner -5 and its secret, acting for each stream's partner. Kaltura SaaS lets -5 in only from its own network: from anywhere else use eCDN.",
  onprem: "Partner -5 of your own Kaltura server and its secret, acting for each stream's partner.",
};

function Field(props: { field: SettingsField; label: string; errors: FormErrors; hint?: string; children: ReactNode }) {
  const error = props.errors[props.field];
  return (
    <div className="form-row">
      <label htmlFor={`settings-${props.field}`}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p className="hint" id={`settings-${props.field}-hint`}>
          {props.hint}
        </p>
      )}
      {error && (
        <p className="field-error" data-testid={`settings-error-${props.field}`} id={`settings-${props.field}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function SettingsScreen() {
  const settings = useSettings((s) => s.settings);
  const loadError = useSettings((s) => s.loadError);
  if (loadError)
    return (
      <p className="field-error" role="alert">
        {loadError}
      </p>
    );
  if (!settings) return <p className="muted">Loading settings…</p>;
  // a new key after a save resets the form to what the station stored (and clears the typed secret)
  return <SettingsEditor key={JSON.stringify(settings)} saved={settings} />;
}

function SettingsEditor({ saved }: { saved: PublicSettings }) {
  const justSaved = useSettings((s) => s.justSaved);
  const { connection, stores } = useApp();
  const info = useSystem((s) => s.info);
  const [form, setForm] = useState<SettingsForm>(() => formFromSettings(saved));
  const [touched, setTouched] = useState(false);
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [savedNote, setSavedNote] = useState<string | null>(null);
  const [test, setTest] = useState<ConnectionTestResult | 'running' | null>(null);
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
  useEffect(() => setServerErrors({}), [form]);

  const clientErrors = validateSettingsForm(form, saved.adminSecretStored);
  const errors: FormErrors = { ...(touched ? clientErrors : {}), ...serverErrors };
  const set = <K extends SettingsField>(field: K, value: SettingsForm[K]) => {
    setSavedNote(null);
    if (justSaved) stores.settings.getState().set(saved);
    setForm((f) => ({ ...f, [field]: value }));
  };
  const inputProps = (field: SettingsField) => ({
    id: `settings-${field}`,
    'aria-invalid': Boolean(errors[field]),
    'aria-describedby': errors[field] ? `settings-${field}-error` : undefined,
  });

  const onSave = async () => {
    setTouched(true);
    setFormError(null);
    if (Object.keys(clientErrors).length > 0) return;
    const update = settingsUpdateFromForm(form, saved);
    if (Object.keys(update).length === 0) {
      setSavedNote('Nothing changed.');
      return;
    }
    setSaving(true);
    try {
      const result = await connection.bridge.request['settings.update'](update);
      if (result.ok) {
        stores.settings.getState().set(result.settings, true);
      } else {
        const mapped = mapServerErrors(result.errors);
        setServerErrors(mapped.fields);
        if (mapped.other.length > 0) setFormError(mapped.other.join(' '));
      }
    } catch (error) {
      setFormError(`The station did not save the settings: ${describeError(error)}`);
    } finally {
      setSaving(false);
    }
  };

  const onTest = async () => {
    setTest('running');
    try {
      setTest(await connection.bridge.request['kaltura.testConnection']({}));
    } catch (error) {
      setTest({ ok: false, message: describeError(error), latencyMs: null });
    }
  };

  const isSandbox = form.mode === 'sandbox';
  return (
    <section aria-labelledby="settings-title" className="settings">
      <div className="section-head">
        <h2 id="settings-title">Settings</h2>
        {!connection.canMutate && (
          <ToneBadge tone="fair" text="Read-only: open the station window on this computer to change settings" />
        )}
      </div>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void onSave();
        }}
      >
        <fieldset>
          <legend>Kaltura</legend>
          {saved.startupOverrides && saved.startupOverrides.length > 0 && (
            <p className="hint text-fair" data-testid="settings-startup-overrides">
              Start-up flags hold {saved.startupOverrides.join(', ')} for this run: they win over what is saved here
              until the station restarts without them.
            </p>
          )}
          <Field field="mode" label="Mode" errors={errors} hint={MODE_HINT[form.mode]}>
            <select
              {...inputProps('mode')}
              data-testid="settings-mode"
              value={form.mode}
              onChange={(e) => set('mode', e.target.value as KalturaMode)}
            >
              {KALTURA_MODES.map((m) => (
                <option key={m} value={m}>
                  {MODE_LABEL[m]}
                </option>
              ))}
            </select>
          </Field>
          <Field
            field="serviceUrl"
            label="Service URL"
            errors={errors}
            hint={isSandbox ? 'Not used in sandbox mode.' : 'e.g. https://www.kaltura.com'}
          >
            <input
              {...inputProps('serviceUrl')}
              data-testid="settings-serviceUrl"
              type="url"
              value={form.serviceUrl}
              disabled={isSandbox}
              onChange={(e) => set('serviceUrl', e.target.value)}
            />
          </Field>
          <Field
            field="partnerId"
            label="Partner id"
            errors={errors}
            hint="-5 for a media server on SaaS or on-prem; your partner id for eCDN."
          >
            <input
              {...inputProps('partnerId')}
              data-testid="settings-partnerId"
              inputMode="numeric"
              value={form.partnerId}
              onChange={(e) => set('partnerId', e.target.value)}
            />
          </Field>
          <Field
            field="adminSecret"
            label="Admin secret"
            errors={errors}
            hint={
              saved.adminSecretStored
                ? 'A secret is stored. Type a new one only to replace it.'
                : 'No secret stored yet.'
            }
          >
            <input
              {...inputProps('adminSecret')}
              data-testid="settings-adminSecret"
              type="password"
              autoComplete="new-password"
              placeholder={saved.adminSecretStored ? '•••••••• stored' : ''}
              value={form.adminSecret}
              onChange={(e) => set('adminSecret', e.target.value)}
            />
          </Field>
          <Field
            field="hostname"
            label="Hostname"
            errors={errors}
            hint={`The server-node name Kaltura knows this station by; unique per installation (two stations must never share one). In use: ${info?.hostname ?? '—'}. Empty: this computer's name plus its installation id.`}
          >
            <input
              {...inputProps('hostname')}
              data-testid="settings-hostname"
              value={form.hostname}
              placeholder={info?.hostname ?? ''}
              spellCheck={false}
              onChange={(e) => set('hostname', e.target.value)}
            />
          </Field>
          <ServerNodeStatus />
          <div className="form-row checkbox-row">
            <input
              id="settings-beaconsEnabled"
              data-testid="settings-beaconsEnabled"
              type="checkbox"
              checked={form.beaconsEnabled}
              onChange={(e) => set('beaconsEnabled', e.target.checked)}
            />
            <label htmlFor="settings-beaconsEnabled">Send health beacons to Kaltura</label>
          </div>
          <div className="button-row">
            <button
              type="button"
              onClick={() => void onTest()}
              disabled={test === 'running'}
              data-testid="settings-test-connection"
            >
              {test === 'running' ? 'Testing…' : 'Test connection'}
            </button>
            {test && test !== 'running' && (
              <span data-testid="settings-test-result">
                <ToneBadge tone={test.ok ? 'good' : 'poor'} text={test.ok ? 'Connected' : 'Failed'} /> {test.message}
                {test.latencyMs !== null ? ` (${Math.round(test.latencyMs)} ms)` : ''}
              </span>
            )}
          </div>
          <p className="hint">Test connection uses the saved settings: save first after changing them.</p>
        </fieldset>
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
        <fieldset>
          <legend>Network (set at start)</legend>
          <dl className="info-list" data-testid="settings-network">
            <dt>RTMP ingest</dt>
            <dd className="mono">{info?.rtmpUrl ?? '—'}</dd>
            <dt>HTTP (UI, preview)</dt>
            <dd className="mono">{info?.httpUrl ?? '—'}</dd>
          </dl>
          <p className="hint">
            Change with <code>--rtmp-port N</code>, <code>--http-port N</code>, and <code>--host 0.0.0.0</code> to
            expose the station to the LAN (or KLIVE_RTMP_PORT, KLIVE_HTTP_PORT, KLIVE_HOST), then restart.
          </p>
        </fieldset>
        {formError && (
          <p className="field-error" role="alert" data-testid="settings-error-form">
            {formError}
          </p>
        )}
        <div className="button-row">
          <button type="submit" className="primary" disabled={saving} data-testid="settings-save">
            {saving ? 'Saving…' : 'Save settings'}
          </button>
          {touched && Object.keys(clientErrors).length > 0 && (
            <span className="text-poor">Fix the fields marked above, then save again.</span>
          )}
          {savedNote && <span className="muted">{savedNote}</span>}
          {justSaved && !savedNote && (
            <span data-testid="settings-saved">
              <ToneBadge tone="good" text="Saved" />
            </span>
          )}
        </div>
      </form>
    </section>
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
