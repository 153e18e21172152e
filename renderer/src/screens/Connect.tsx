// Connect an encoder: the exact OBS Server URL and Stream key for one entry (primary and backup),
// copy buttons, which field gets which, and the equivalent ffmpeg command. The token appears only here.
import { useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PublishDetails } from '../../../shared/sandbox.js';
import { buildPublishDetails, EntryIdSchema } from '../../../shared/sandbox.js';
import { useApp, useEntries, useProducer, useSandbox, useSystem, useUi } from '../state/context.js';
import { describeError, loadSandbox } from '../state/sync.js';
import { entryNames } from '../state/selectors.js';
import { CopyField } from '../components/CopyField.js';
import { ffmpegCommand } from '../lib/publish.js';
import { ServerNodeStatus } from '../components/ServerNodeStatus.js';
import { ObsPanel } from './ObsPanel.js';

const MANUAL = '__manual__';

export function manualPublishErrors(input: {
  entryId: string;
  partnerId: string;
  token: string;
}): Record<string, string> {
  const errors: Record<string, string> = {};
  const id = EntryIdSchema.safeParse(input.entryId.trim());
  if (!id.success) errors.entryId = `Entry id: ${id.error.issues[0]?.message ?? 'invalid'}.`;
  if (!/^-?\d+$/.test(input.partnerId.trim()))
    errors.partnerId = 'Partner id: a whole number, e.g. 102 (find it in the KMC under Settings → Integration).';
  if (!input.token.trim())
    errors.token = 'Token: paste the entry\'s stream token (KMC → entry → Live Stream → "Primary URL" t= value).';
  else if (/[\s&?#]/.test(input.token.trim()))
    errors.token = 'Token: it cannot contain spaces, &, ? or #; copy only the value after t=.';
  return errors;
}

export function ConnectScreen() {
  const { connection, stores } = useApp();
  const chosen = useUi((s) => s.connectEntryId);
  const rtmpUrl = useSystem((s) => s.info?.rtmpUrl ?? null);
  const sandboxEntries = useSandbox((s) => s.entries);
  const sandboxError = useSandbox((s) => s.error);
  const producerEntries = useProducer((s) => s.page?.entries ?? null);
  const liveNames = useEntries(useShallow((s) => entryNames(s.byId).map(([id, name]) => `${id}\u0000${name}`)));
  const [details, setDetails] = useState<PublishDetails | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [manual, setManual] = useState({ entryId: '', partnerId: '', token: '' });
  const selectId = useId();

  useEffect(() => {
    if (sandboxEntries === null) void loadSandbox(connection, stores);
  }, [connection, stores, sandboxEntries]);

  const options = new Map<string, string>();
  // a signed-in producer's entries first: their tokens come from Kaltura through main
  for (const e of producerEntries ?? []) options.set(e.entryId, `${e.name} (${e.entryId}) · Kaltura`);
  for (const e of sandboxEntries ?? []) options.set(e.entryId, `${e.name} (${e.entryId}) · sandbox`);
  for (const pair of liveNames) {
    const [id = '', name = ''] = pair.split('\u0000');
    if (!options.has(id)) options.set(id, `${name} (${id}) · live`);
  }
  const selected = chosen ?? producerEntries?.[0]?.entryId ?? sandboxEntries?.[0]?.entryId ?? MANUAL;
  const isManual = selected === MANUAL;

  useEffect(() => {
    setDetails(null);
    setError(null);
    if (isManual) return;
    let stale = false;
    connection.bridge.request['connect.getPublishDetails']({ entryId: selected })
      .then((d) => !stale && setDetails(d))
      .catch(
        (err: unknown) =>
          !stale && setError(`Could not get the publish details for ${selected}: ${describeError(err)}`),
      );
    return () => {
      stale = true;
    };
  }, [connection, selected, isManual]);

  const manualErrors = manualPublishErrors(manual);
  const manualTouched = manual.entryId !== '' || manual.partnerId !== '' || manual.token !== '';
  const shown: PublishDetails | null = isManual
    ? Object.keys(manualErrors).length === 0 && rtmpUrl
      ? buildPublishDetails({
          rtmpUrl,
          entryId: manual.entryId.trim(),
          partnerId: Number(manual.partnerId.trim()),
          token: manual.token.trim(),
        })
      : null
    : details;

  return (
    <section aria-labelledby="connect-title" className="connect">
      <ServerNodeStatus compact />
      <div className="section-head">
        <h2 id="connect-title">Connect an encoder</h2>
      </div>
      <div className="form-row">
        <label htmlFor={selectId}>Entry</label>
        <select
          id={selectId}
          data-testid="connect-entry"
          value={selected}
          onChange={(e) => stores.ui.getState().openConnect(e.target.value)}
        >
          {[...options].map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
          <option value={MANUAL}>Another entry: type its id and token…</option>
        </select>
      </div>
      {sandboxError && <p className="field-error">{sandboxError}</p>}
      {isManual && (
        <fieldset className="manual">
          <legend>Entry from your Kaltura account</legend>
          {(['entryId', 'partnerId', 'token'] as const).map((field) => (
            <div className="form-row" key={field}>
              <label htmlFor={`manual-${field}`}>
                {field === 'entryId' ? 'Entry id' : field === 'partnerId' ? 'Partner id' : 'Stream token'}
              </label>
              <input
                id={`manual-${field}`}
                data-testid={`connect-manual-${field}`}
                value={manual[field]}
                autoComplete="off"
                spellCheck={false}
                aria-invalid={manualTouched && Boolean(manualErrors[field])}
                onChange={(e) => setManual({ ...manual, [field]: e.target.value })}
              />
              {manualTouched && manualErrors[field] && <p className="field-error">{manualErrors[field]}</p>}
            </div>
          ))}
        </fieldset>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {shown && (
        <div className="connect-output" data-testid="connect-output">
          <p className="hint">
            In OBS: Settings → Stream → Service <strong>Custom…</strong>, then paste <strong>Server</strong> into
            “Server” and <strong>Stream key</strong> into “Stream Key”. The server URL carries the entry's stream token:
            treat it like a password.
          </p>
          <div className="endpoint">
            <h3>Primary encoder</h3>
            <CopyField label="Server" value={shown.primary.serverUrl} testId="connect-server-url" />
            <CopyField label="Stream key" value={shown.primary.streamKey} testId="connect-stream-key" />
          </div>
          <details className="endpoint">
            <summary>Backup encoder (a second machine, i=1)</summary>
            <CopyField label="Backup server" value={shown.backup.serverUrl} testId="connect-backup-server-url" />
            <CopyField label="Backup stream key" value={shown.backup.streamKey} testId="connect-backup-stream-key" />
          </details>
          <div className="endpoint">
            <h3>Or test with ffmpeg</h3>
            <pre className="command" data-testid="connect-ffmpeg-command">
              {ffmpegCommand(shown.primary)}
            </pre>
          </div>
          {!isManual && <ObsPanel entryId={selected} />}
        </div>
      )}
      {isManual && !rtmpUrl && <p className="muted">Waiting for the station to say where it listens…</p>}
    </section>
  );
}
