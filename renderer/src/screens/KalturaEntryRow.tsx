// One live entry on the Kaltura entries screen (a real account or the sandbox, the same calls): its live state,
// rename, conversion profile, DVR and recording (liveStream.update), Connect / Send to OBS, KMC link, a new token
// (with a warning) and delete (liveStream.delete, with a confirmation that names the entry). Kaltura's refusals
// come back in words from main.
import { useId, useState } from 'react';
import type { ProducerEntry, UpdateProducerEntryRequest } from '../../../shared/producer.js';
import { EntryNameSchema } from '../../../shared/sandbox.js';
import { useApp, useProducer } from '../state/context.js';
import { describeError } from '../state/sync.js';
import { ToneBadge } from '../components/ToneBadge.js';
import type { Tone } from '../state/selectors.js';

const STATE_TEXT: Record<ProducerEntry['liveState'], { text: string; tone: Tone }> = {
  'live-here': { text: 'Live here', tone: 'good' },
  'live-elsewhere': { text: 'Live on another server', tone: 'fair' },
  starting: { text: 'Starting', tone: 'fair' },
  offline: { text: 'Offline', tone: 'idle' },
};

function nodeText(label: string, node: ProducerEntry['primary']): string | null {
  return node ? `${label}: ${node.status}${node.here ? ' (this station)' : ''}` : null;
}

export function KalturaEntryRow({ entry }: { entry: ProducerEntry }) {
  const { connection, stores } = useApp();
  const profiles = useProducer((s) => s.profiles);
  const baseId = useId();
  const [name, setName] = useState(entry.name);
  const [renaming, setRenaming] = useState(false);
  const [confirm, setConfirm] = useState<'token' | 'delete' | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const state = STATE_TEXT[entry.liveState];
  const nodes = [nodeText('primary', entry.primary), nodeText('backup', entry.backup)].filter(Boolean).join(' · ');
  const nameError = name === entry.name ? null : (EntryNameSchema.safeParse(name).error?.issues[0]?.message ?? null);
  const run = async (action: () => Promise<string | null>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      setNote(await action());
      setConfirm(null);
      return true;
    } catch (err) {
      setError(describeError(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const update = (patch: Omit<UpdateProducerEntryRequest, 'entryId'>) =>
    run(async () => {
      const updated = await connection.bridge.request['producer.updateEntry']({ entryId: entry.entryId, ...patch });
      stores.producer.getState().upsertEntry(updated);
      setName(updated.name);
      return null;
    });
  const profileKnown = entry.conversionProfileId !== null && profiles.some((p) => p.id === entry.conversionProfileId);
  return (
    <tr data-testid={`kaltura-row-${entry.entryId}`}>
      <td>
        {renaming ? (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (nameError) return;
              if (name.trim() === entry.name) setRenaming(false);
              else void update({ name: name.trim() }).then((ok) => ok && setRenaming(false));
            }}
          >
            <label htmlFor={`${baseId}-name`} className="sr-only">
              New name of {entry.entryId}
            </label>
            <input
              id={`${baseId}-name`}
              data-testid="kaltura-rename-input"
              value={name}
              aria-invalid={Boolean(nameError)}
              onChange={(e) => setName(e.target.value)}
            />
            <button type="submit" data-testid="kaltura-rename-save" disabled={busy || Boolean(nameError)}>
              Save name
            </button>
            <button
              type="button"
              onClick={() => {
                setName(entry.name);
                setRenaming(false);
              }}
            >
              Cancel
            </button>
          </form>
        ) : (
          <>
            <strong data-testid="kaltura-entry-name">{entry.name}</strong>{' '}
            <button type="button" data-testid="kaltura-rename" onClick={() => setRenaming(true)}>
              Rename…
            </button>
          </>
        )}
        {nameError && <p className="field-error">Name: {nameError}.</p>}
        <div className="cell-sub mono">
          {entry.entryId} · partner {entry.partnerId}
        </div>
      </td>
      <td>
        <ToneBadge tone={state.tone} text={state.text} testId="kaltura-live-state" />
        {nodes && <div className="cell-sub muted">{nodes}</div>}
      </td>
      <td>
        <label htmlFor={`${baseId}-profile`} className="sr-only">
          Conversion profile of {entry.name}
        </label>
        <select
          id={`${baseId}-profile`}
          data-testid="kaltura-entry-profile"
          value={entry.conversionProfileId ?? ''}
          disabled={busy}
          onChange={(e) => e.target.value !== '' && void update({ conversionProfileId: Number(e.target.value) })}
        >
          {!profileKnown && (
            <option value={entry.conversionProfileId ?? ''}>
              {entry.conversionProfileName ??
                (entry.conversionProfileId === null ? 'Partner default' : `#${entry.conversionProfileId}`)}
            </option>
          )}
          {profiles.map((p) => (
            <option key={p.id} value={p.id} title={p.description}>
              {p.name}
              {p.isDefault ? ' (default)' : ''}
            </option>
          ))}
        </select>
      </td>
      <td>
        <label className="checkbox-inline">
          <input
            type="checkbox"
            data-testid="kaltura-entry-dvr"
            checked={entry.dvrEnabled}
            disabled={busy}
            onChange={(e) => void update({ dvrEnabled: e.target.checked })}
          />{' '}
          DVR
        </label>
        <label className="checkbox-inline">
          <input
            type="checkbox"
            data-testid="kaltura-entry-recording"
            checked={entry.recordingEnabled}
            disabled={busy}
            onChange={(e) => void update({ recordingEnabled: e.target.checked })}
          />{' '}
          Recording
        </label>
      </td>
      <td>
        <div className="button-row">
          <button
            type="button"
            className="primary"
            data-testid="kaltura-connect"
            onClick={() => stores.ui.getState().openConnect(entry.entryId)}
          >
            Connect / Send to OBS…
          </button>
          {entry.kmcUrl && (
            <a href={entry.kmcUrl} target="_blank" rel="noreferrer noopener" data-testid="kaltura-kmc-link">
              Open in KMC
            </a>
          )}
          {confirm === 'token' ? (
            <>
              <button
                type="button"
                className="danger"
                disabled={busy}
                data-testid="kaltura-regenerate-confirm"
                onClick={() =>
                  void run(async () => {
                    stores.producer
                      .getState()
                      .upsertEntry(
                        await connection.bridge.request['producer.regenerateToken']({ entryId: entry.entryId }),
                      );
                    return 'New token made: send the new settings to your encoders (Connect).';
                  })
                }
              >
                Make a new token
              </button>
              <button type="button" onClick={() => setConfirm(null)}>
                Keep the token
              </button>
            </>
          ) : confirm === 'delete' ? (
            <>
              <button
                type="button"
                className="danger"
                disabled={busy}
                data-testid="kaltura-delete-confirm"
                onClick={() =>
                  void run(async () => {
                    await connection.bridge.request['producer.deleteEntry']({ entryId: entry.entryId });
                    stores.producer.getState().removeEntry(entry.entryId);
                    return null;
                  })
                }
              >
                Delete "{entry.name}" for good
              </button>
              <button type="button" onClick={() => setConfirm(null)}>
                Keep it
              </button>
            </>
          ) : (
            <>
              <button type="button" data-testid="kaltura-regenerate" onClick={() => setConfirm('token')}>
                New token…
              </button>
              <button
                type="button"
                className="danger"
                data-testid="kaltura-delete"
                disabled={busy}
                onClick={() => setConfirm('delete')}
              >
                Delete…
              </button>
            </>
          )}
        </div>
        {confirm === 'token' && (
          <p className="field-error" role="alert">
            Encoders using the old token will be refused, including one streaming now when it reconnects.
          </p>
        )}
        {confirm === 'delete' && (
          <p className="field-error" role="alert" data-testid="kaltura-delete-warning">
            Delete the live entry "{entry.name}" ({entry.entryId}) in Kaltura? Its players and any encoder streaming to
            it stop working.
          </p>
        )}
        {note && <div className="cell-sub">{note}</div>}
        {error && (
          <p className="field-error" role="alert" data-testid="kaltura-entry-error">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}
