// Kaltura live entries for whichever Kaltura the station talks to (a real account or the built-in sandbox,
// through the same calls): sign-in, what the account can do, the partner's live entries (search, pages, live
// state, profile, DVR, recording), create, and per entry (KalturaEntryRow) rename, profile, DVR, recording,
// delete, a new token, the KMC link and Connect. In sandbox mode this is also the sandbox's entries screen.
import { useEffect, useState } from 'react';
import { EntryNameSchema } from '../../../shared/sandbox.js';
import { useApp, useProducer, useSettings } from '../state/context.js';
import { describeError, loadProducer, loadSandbox } from '../state/sync.js';
import { KalturaEntryRow } from './KalturaEntryRow.js';
import { ProducerSignIn } from './ProducerSignIn.js';
import { AccountPanel } from './ProducerAccount.js';
import { SandboxLogins } from './SandboxLogins.js';
import { SandboxPartners } from './SandboxPartners.js';

function CreateForm() {
  const { connection, stores } = useApp();
  const profiles = useProducer((s) => s.profiles);
  const [name, setName] = useState('');
  const [profileId, setProfileId] = useState<number | ''>('');
  const [dvr, setDvr] = useState(false);
  const [recording, setRecording] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const checked = EntryNameSchema.safeParse(name);
    if (!checked.success) {
      setError(`Name: ${checked.error.issues[0]?.message ?? 'invalid'}.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await connection.bridge.request['producer.createEntry']({
        name: checked.data,
        dvrEnabled: dvr,
        recordingEnabled: recording,
        ...(profileId === '' ? {} : { conversionProfileId: profileId }),
      });
      stores.producer.getState().upsertEntry(created);
      setName('');
    } catch (err) {
      setError(describeError(err));
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
        <label htmlFor="kaltura-new-name">New live entry</label>
        <input
          id="kaltura-new-name"
          data-testid="kaltura-new-name"
          value={name}
          placeholder="e.g. Main stage"
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <div className="form-row">
        <label htmlFor="kaltura-new-profile">Live conversion profile</label>
        <select
          id="kaltura-new-profile"
          data-testid="kaltura-new-profile"
          value={profileId}
          onChange={(e) => setProfileId(e.target.value === '' ? '' : Number(e.target.value))}
        >
          <option value="">Partner default</option>
          {profiles.map((p) => (
            <option key={p.id} value={p.id} title={p.description}>
              {p.name}
              {p.isDefault ? ' (default)' : ''}
            </option>
          ))}
        </select>
      </div>
      <label className="checkbox-inline">
        <input type="checkbox" checked={dvr} onChange={(e) => setDvr(e.target.checked)} /> DVR
      </label>
      <label className="checkbox-inline">
        <input type="checkbox" checked={recording} onChange={(e) => setRecording(e.target.checked)} /> Recording
      </label>
      <button type="submit" className="primary" disabled={busy} data-testid="kaltura-create">
        Create entry
      </button>
      {error && (
        <p className="field-error" role="alert" data-testid="kaltura-create-error">
          {error}
        </p>
      )}
    </form>
  );
}

export function KalturaEntriesScreen() {
  const { connection, stores } = useApp();
  const mode = useSettings((s) => s.settings?.kaltura.mode ?? null);
  const status = useProducer((s) => s.status);
  const page = useProducer((s) => s.page);
  const query = useProducer((s) => s.query);
  const error = useProducer((s) => s.error);
  const [search, setSearch] = useState(query.nameLike);
  useEffect(() => {
    void loadProducer(connection, stores);
  }, [connection, stores, mode, query]);
  useEffect(() => {
    if (mode === 'sandbox') void loadSandbox(connection, stores);
  }, [connection, stores, mode]);
  // the live state changes while the producer watches: refresh the page every 5 s
  useEffect(() => {
    if (!status?.signedIn) return;
    const timer = setInterval(() => void loadProducer(connection, stores), 5000);
    return () => clearInterval(timer);
  }, [connection, stores, status?.signedIn]);
  const serviceLabel = mode === 'sandbox' || mode === null ? 'the built-in sandbox' : 'Kaltura';
  const pages = page ? Math.max(1, Math.ceil(page.totalCount / page.pageSize)) : 1;
  return (
    <section aria-labelledby="kaltura-title">
      <div className="section-head">
        <h2 id="kaltura-title">Kaltura entries</h2>
        <span className="muted">
          {mode === 'sandbox'
            ? 'Sandbox: the same screens and calls as a real account.'
            : "Your Kaltura account's live entries."}
        </span>
      </div>
      {mode === 'sandbox' && (
        // the sandbox-only parts: its rehearsal logins and the partner's feature switches
        <details className="endpoint" data-testid="kaltura-sandbox-panel">
          <summary>Sandbox panel: logins and partner features</summary>
          <SandboxLogins />
          <SandboxPartners />
        </details>
      )}
      {status === null ? (
        <p className="muted">Loading…</p>
      ) : !status.signedIn ? (
        <ProducerSignIn serviceLabel={serviceLabel} />
      ) : (
        <>
          <AccountPanel status={status} />
          <CreateForm />
          <form
            className="inline-form"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              stores.producer.getState().setQuery({ nameLike: search, pageIndex: 1 });
            }}
          >
            <label htmlFor="kaltura-search">Search by name</label>
            <input
              id="kaltura-search"
              data-testid="kaltura-search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
            <button type="submit">Search</button>
          </form>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          {page === null ? (
            !error && <p className="muted">Loading entries…</p>
          ) : page.entries.length === 0 ? (
            <p className="muted">
              No live entries{query.nameLike ? ` named like "${query.nameLike}"` : ''}: create one above.
            </p>
          ) : (
            <table className="sandbox-table" data-testid="kaltura-table">
              <thead>
                <tr>
                  <th scope="col">Entry</th>
                  <th scope="col">Live state</th>
                  <th scope="col">Conversion profile</th>
                  <th scope="col">Options</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {page.entries.map((e) => (
                  <KalturaEntryRow key={e.entryId} entry={e} />
                ))}
              </tbody>
            </table>
          )}
          {page && pages > 1 && (
            <div className="button-row" aria-label="Pages">
              <button
                type="button"
                disabled={query.pageIndex <= 1}
                onClick={() => stores.producer.getState().setQuery({ pageIndex: query.pageIndex - 1 })}
              >
                ← Previous
              </button>
              <span data-testid="kaltura-page">
                Page {query.pageIndex} of {pages} ({page.totalCount} entries)
              </span>
              <button
                type="button"
                disabled={query.pageIndex >= pages}
                onClick={() => stores.producer.getState().setQuery({ pageIndex: query.pageIndex + 1 })}
              >
                Next →
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
