// Settings: the editor (form state, validation, save) around its sections: Kaltura (SettingsKaltura.tsx),
// Media (SettingsMedia.tsx) and the network the station was started with.
// Validated here first, then by the station (its field errors are shown next to the fields).
import { useEffect, useState } from 'react';
import type { PublicSettings } from '../../../shared/settings.js';
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
import type { SettingsSectionProps } from './SettingsField.js';
import { KalturaSettingsSection } from './SettingsKaltura.js';
import { MediaSettingsSection } from './SettingsMedia.js';

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

  const section: SettingsSectionProps = { form, saved, errors, set, inputProps };
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
        <KalturaSettingsSection {...section} />
        <MediaSettingsSection {...section} />
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
