// The signed-in producer's account: partner, user, how long the session lasts (a login session is asked again
// before it ends), sign-out, a one-click switch to another partner of the login (no password asked), the features the account lacks with what to ask Kaltura for, and the admin secret
// for the media-server role, stored only when the producer ticks that they agree.
import { useState } from 'react';
import type { ProducerStatus } from '../../../shared/producer.js';
import { useApp, useUi } from '../state/context.js';
import { describeError, loadProducer } from '../state/sync.js';
import { ProducerSignIn } from './ProducerSignIn.js';

/** A login with several partners: one click switches (no password); if that fails, sign in with the partner filled in. */
function PartnerSwitch({ status }: { status: ProducerStatus }) {
  const { connection, stores } = useApp();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<{ partnerId: number; message: string } | null>(null);
  const others = status.partners.filter((p) => p.id !== status.partnerId);
  const switchTo = async (partnerId: number) => {
    setBusy(true);
    setFailed(null);
    try {
      stores.producer.getState().setStatus(await connection.bridge.request['producer.switchPartner']({ partnerId }));
      stores.producer.getState().setQuery({ pageIndex: 1 });
      await loadProducer(connection, stores);
    } catch (err) {
      setFailed({ partnerId, message: describeError(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="producer-partners">
      <p className="muted">This login also belongs to other partners:</p>
      <div className="button-row">
        {others.map((p) => (
          <button
            key={p.id}
            type="button"
            disabled={busy}
            data-testid={`producer-switch-${p.id}`}
            onClick={() => void switchTo(p.id)}
          >
            Switch to {p.name} ({p.id})
          </button>
        ))}
      </div>
      {failed && (
        <>
          <p className="field-error" role="alert" data-testid="producer-switch-error">
            {failed.message}
          </p>
          <ProducerSignIn
            serviceLabel={`partner ${failed.partnerId}`}
            partnerId={failed.partnerId}
            loginId={status.userId ?? ''}
          />
        </>
      )}
    </div>
  );
}

export function AccountPanel({ status }: { status: ProducerStatus }) {
  const { connection, stores } = useApp();
  const nowMs = useUi((s) => s.nowMs);
  const [consent, setConsent] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const minutesLeft = status.expiresAtMs === null ? null : Math.round((status.expiresAtMs - nowMs) / 60_000);
  const missing = status.capabilities.filter((c) => c.available === false);
  return (
    <div className="account" data-testid="producer-account">
      <p>
        Signed in to partner <strong>{status.partnerName ?? status.partnerId}</strong> ({status.partnerId})
        {status.userId ? ` as ${status.userId}` : ''}.{' '}
        {minutesLeft !== null &&
          (status.renewable
            ? 'The station renews the session.'
            : minutesLeft < 60
              ? `The session ends in ${Math.max(0, minutesLeft)} min: sign in again then.`
              : `The session lasts ${Math.round(minutesLeft / 60)} h.`)}{' '}
        <button
          type="button"
          data-testid="producer-signout"
          onClick={() =>
            void connection.bridge.request['producer.signOut']({}).then((s) => stores.producer.getState().setStatus(s))
          }
        >
          Sign out
        </button>
      </p>
      {status.partners.length > 1 && <PartnerSwitch status={status} />}
      {missing.length > 0 && (
        <div data-testid="producer-missing">
          {missing.map((c) => (
            <p key={c.name} className="field-error">
              {c.text}
            </p>
          ))}
        </div>
      )}
      {status.adminSecret === 'available' && (
        <div className="consent" data-testid="producer-admin-secret">
          <label className="checkbox-inline">
            <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} /> Store the
            partner's admin secret on this computer so the station can act as the partner's media server (eCDN).
          </label>
          <button
            type="button"
            disabled={!consent}
            onClick={() =>
              void connection.bridge.request['producer.storeAdminSecret']({ consent })
                .then((s) => {
                  stores.producer.getState().setStatus(s);
                  setMessage('Stored in the secret store.');
                })
                .catch((err: unknown) => setMessage(describeError(err)))
            }
          >
            Store it
          </button>
        </div>
      )}
      {status.adminSecret === 'not-readable' && (
        <p className="muted">
          For the media-server role (eCDN mode) the station needs the partner's admin secret: sign in as a KMC admin, or
          enter it in Settings → Kaltura.
        </p>
      )}
      {status.adminSecret === 'stored' && (
        <p className="muted">The admin secret is stored for the media-server role.</p>
      )}
      {message && <p className="cell-sub">{message}</p>}
    </div>
  );
}
