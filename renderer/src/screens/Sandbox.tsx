// The built-in sandbox's own parts (sandbox mode only): its rehearsal logins (SandboxLogins) and the partners'
// Kaltura features and live limits (SandboxPartners). Its live entries are managed on the Kaltura entries
// screen, through the same calls as a real account's.
import { useEffect } from 'react';
import { useApp, useSandbox, useSettings } from '../state/context.js';
import { loadSandbox } from '../state/sync.js';
import { SandboxLogins } from './SandboxLogins.js';
import { SandboxPartners } from './SandboxPartners.js';

export function SandboxScreen() {
  const { connection, stores } = useApp();
  const mode = useSettings((s) => s.settings?.kaltura.mode ?? null);
  const error = useSandbox((s) => s.error);
  useEffect(() => {
    if (mode === 'sandbox') void loadSandbox(connection, stores);
  }, [connection, stores, mode]);
  if (mode !== null && mode !== 'sandbox') {
    return (
      <p className="muted">
        The station is connected to a real Kaltura account ({mode}): its live entries are on the Kaltura entries screen.
        Switch to sandbox mode in Settings to rehearse with the built-in sandbox.
      </p>
    );
  }
  return (
    <section aria-labelledby="sandbox-title">
      <div className="section-head">
        <h2 id="sandbox-title">Sandbox</h2>
        <span className="muted">The built-in Kaltura sandbox: rehearsal logins and partner features.</span>
      </div>
      <p data-testid="sandbox-entries-pointer">
        The sandbox's live entries (create, rename, profile, DVR, recording, new token, delete) are on the{' '}
        <button
          type="button"
          data-testid="sandbox-open-entries"
          onClick={() => stores.ui.getState().navigate('kaltura')}
        >
          Kaltura entries
        </button>{' '}
        screen: sign in there with a login below, exactly as with a real account.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <SandboxLogins />
      <SandboxPartners />
    </section>
  );
}
