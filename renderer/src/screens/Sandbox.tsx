// Sandbox entries (sandbox mode only): create, rename, delete, regenerate tokens, conversion profile, DVR, recording;
// and the sandbox partners' Kaltura features (SandboxPartners).
import { memo, useEffect, useId, useState } from 'react';
import type { ConversionProfile, SandboxEntry, UpdateSandboxEntryRequest } from '../../../shared/sandbox.js';
import { EntryNameSchema } from '../../../shared/sandbox.js';
import { useApp, useSandbox, useSettings, useUi } from '../state/context.js';
import { describeError, loadSandbox } from '../state/sync.js';
import { formatRelative } from '../lib/format.js';
import { SandboxLogins } from './SandboxLogins.js';
import { SandboxPartners } from './SandboxPartners.js';

function ProfileSelect(props: { id: string; value: number | ''; profiles: readonly ConversionProfile[]; onChange: (id: number) => void; testId: string }) {
  return (
    <select id={props.id} data-testid={props.testId} value={props.value} onChange={(e) => props.onChange(Number(e.target.value))}>
      {props.value === '' && <option value="">Default profile</option>}
      {props.profiles.map((p) => (
        <option key={p.id} value={p.id} title={p.description}>
          {p.name}
          {p.isDefault ? ' (default)' : ''}
        </option>
      ))}
    </select>
  );
}

const SandboxRow = memo(function SandboxRow({ entry, profiles }: { entry: SandboxEntry; profiles: readonly ConversionProfile[] }) {
  const { connection, stores } = useApp();
  const nowMs = useUi((s) => s.nowMs);
  const [name, setName] = useState(entry.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const baseId = useId();
  const nameError = name === entry.name ? null : (EntryNameSchema.safeParse(name).error?.issues[0]?.message ?? null);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const update = (patch: Omit<UpdateSandboxEntryRequest, 'entryId'>) =>
    run(async () => stores.sandbox.getState().upsertEntry(await connection.bridge.request['sandbox.updateEntry']({ entryId: entry.entryId, ...patch })));

  return (
    <tr data-testid={`sandbox-row-${entry.entryId}`}>
      <td>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!nameError && name !== entry.name) void update({ name: name.trim() });
          }}
        >
          <label htmlFor={`${baseId}-name`} className="sr-only">
            Name of {entry.entryId}
          </label>
          <input id={`${baseId}-name`} data-testid="sandbox-name" value={name} aria-invalid={Boolean(nameError)} onChange={(e) => setName(e.target.value)} />
          {name !== entry.name && (
            <button type="submit" disabled={busy || Boolean(nameError)}>
              Rename
            </button>
          )}
        </form>
        {nameError && <p className="field-error">Name: {nameError}.</p>}
        <div className="cell-sub mono">
          {entry.entryId} · partner {entry.partnerId}
        </div>
      </td>
      <td>
        <label htmlFor={`${baseId}-profile`} className="sr-only">
          Conversion profile
        </label>
        <ProfileSelect id={`${baseId}-profile`} testId="sandbox-profile" value={entry.conversionProfileId} profiles={profiles} onChange={(id) => void update({ conversionProfileId: id })} />
      </td>
      <td>
        <label className="checkbox-inline">
          <input type="checkbox" data-testid="sandbox-dvr" checked={entry.dvrEnabled} disabled={busy} onChange={(e) => void update({ dvrEnabled: e.target.checked })} /> DVR
        </label>
        <label className="checkbox-inline">
          <input type="checkbox" data-testid="sandbox-recording" checked={entry.recordingEnabled} disabled={busy} onChange={(e) => void update({ recordingEnabled: e.target.checked })} /> Recording
        </label>
      </td>
      <td>
        <div className="button-row">
          <button type="button" onClick={() => stores.ui.getState().openConnect(entry.entryId)}>
            Connect…
          </button>
          <button
            type="button"
            data-testid="sandbox-regenerate"
            disabled={busy}
            title="Encoders using the old token will be refused"
            onClick={() =>
              void run(async () => {
                stores.sandbox.getState().upsertEntry(await connection.bridge.request['sandbox.regenerateToken']({ entryId: entry.entryId }));
                setNote('New token made: copy the new Server URL from Connect.');
              })
            }
          >
            New token
          </button>
          {confirmDelete ? (
            <>
              <button
                type="button"
                className="danger"
                data-testid="sandbox-delete-confirm"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await connection.bridge.request['sandbox.deleteEntry']({ entryId: entry.entryId });
                    stores.sandbox.getState().removeEntry(entry.entryId);
                  })
                }
              >
                Delete for good
              </button>
              <button type="button" onClick={() => setConfirmDelete(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" className="danger" data-testid="sandbox-delete" disabled={busy} onClick={() => setConfirmDelete(true)}>
              Delete
            </button>
          )}
        </div>
        <div className="cell-sub muted">token changed {formatRelative(entry.tokenUpdatedAtMs, nowMs)}</div>
        {note && <div className="cell-sub">{note}</div>}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
});

function CreateEntryForm({ profiles }: { profiles: readonly ConversionProfile[] }) {
  const { connection, stores } = useApp();
  const [name, setName] = useState('');
  const [profileId, setProfileId] = useState<number | ''>('');
  const [dvr, setDvr] = useState(false);
  const [recording, setRecording] = useState(false);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameError = EntryNameSchema.safeParse(name).error?.issues[0]?.message ?? null;
  const submit = async () => {
    setTouched(true);
    if (nameError) return;
    setBusy(true);
    setError(null);
    try {
      const created = await connection.bridge.request['sandbox.createEntry']({
        name: name.trim(),
        ...(profileId === '' ? {} : { conversionProfileId: profileId }),
        dvrEnabled: dvr,
        recordingEnabled: recording,
      });
      stores.sandbox.getState().upsertEntry(created);
      setName('');
      setTouched(false);
    } catch (err) {
      setError(`Could not create the entry: ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="create-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="form-row">
        <label htmlFor="sandbox-new-name">New entry name</label>
        <input id="sandbox-new-name" data-testid="sandbox-new-name" value={name} aria-invalid={touched && Boolean(nameError)} onChange={(e) => setName(e.target.value)} placeholder="e.g. Main stage" />
        {touched && nameError && (
          <p className="field-error" data-testid="sandbox-error-name">
            Name: {nameError}.
          </p>
        )}
      </div>
      <div className="form-row">
        <label htmlFor="sandbox-new-profile">Conversion profile</label>
        <ProfileSelect id="sandbox-new-profile" testId="sandbox-new-profile" value={profileId} profiles={profiles} onChange={setProfileId} />
      </div>
      <label className="checkbox-inline">
        <input type="checkbox" checked={dvr} onChange={(e) => setDvr(e.target.checked)} /> DVR
      </label>
      <label className="checkbox-inline">
        <input type="checkbox" checked={recording} onChange={(e) => setRecording(e.target.checked)} /> Recording
      </label>
      <button type="submit" className="primary" disabled={busy} data-testid="sandbox-create">
        Create entry
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function SandboxScreen() {
  const { connection, stores } = useApp();
  const mode = useSettings((s) => s.settings?.kaltura.mode ?? null);
  const entries = useSandbox((s) => s.entries);
  const profiles = useSandbox((s) => s.profiles);
  const error = useSandbox((s) => s.error);
  useEffect(() => {
    if (mode === 'sandbox') void loadSandbox(connection, stores);
  }, [connection, stores, mode]);
  if (mode !== null && mode !== 'sandbox') {
    return <p className="muted">The station is connected to a real Kaltura account ({mode}); manage its live entries in the KMC. Switch to sandbox mode in Settings to use local test entries.</p>;
  }
  return (
    <section aria-labelledby="sandbox-title">
      <div className="section-head">
        <h2 id="sandbox-title">Sandbox entries</h2>
        <span className="muted">Local test entries served by the built-in Kaltura sandbox.</span>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <SandboxLogins />
      <CreateEntryForm profiles={profiles} />
      {entries === null ? (
        <p className="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="muted">No sandbox entries: create one above.</p>
      ) : (
        <table className="sandbox-table" data-testid="sandbox-table">
          <thead>
            <tr>
              <th scope="col">Entry</th>
              <th scope="col">Conversion profile</th>
              <th scope="col">Options</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <SandboxRow key={e.entryId} entry={e} profiles={profiles} />
            ))}
          </tbody>
        </table>
      )}
      <SandboxPartners />
    </section>
  );
}
