// The Kaltura section of Settings: mode, service URL, partner id, admin secret (never prefilled), the
// server-node hostname and its status, health beacons, and Test connection (with the saved settings).
import { useState } from 'react';
import { KALTURA_MODES } from '../../../shared/settings.js';
import type { KalturaMode } from '../../../shared/settings.js';
import type { ConnectionTestResult } from '../../../shared/bridge/contract.js';
import { useApp, useSystem } from '../state/context.js';
import { describeError } from '../state/sync.js';
import { ToneBadge } from '../components/ToneBadge.js';
import { ServerNodeStatus } from '../components/ServerNodeStatus.js';
import { Field, type SettingsSectionProps } from './SettingsField.js';

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

export function KalturaSettingsSection({ form, saved, errors, set, inputProps }: SettingsSectionProps) {
  const { connection } = useApp();
  const info = useSystem((s) => s.info);
  const [test, setTest] = useState<ConnectionTestResult | 'running' | null>(null);
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
    <fieldset>
      <legend>Kaltura</legend>
      {saved.startupOverrides && saved.startupOverrides.length > 0 && (
        <p className="hint text-fair" data-testid="settings-startup-overrides">
          Start-up flags hold {saved.startupOverrides.join(', ')} for this run: they win over what is saved here until
          the station restarts without them.
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
          saved.adminSecretStored ? 'A secret is stored. Type a new one only to replace it.' : 'No secret stored yet.'
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
  );
}
