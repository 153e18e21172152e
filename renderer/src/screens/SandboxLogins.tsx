// The sandbox's KMC logins for rehearsing sign-in on the Kaltura entries screen: the producer login (its
// password is random per install) and the 2FA login with its current code.
import { useEffect, useState } from 'react';
import type { SandboxLogin } from '../../../shared/sandbox.js';
import { useApp } from '../state/context.js';
import { describeError } from '../state/sync.js';
import { CopyField } from '../components/CopyField.js';

export function SandboxLogins() {
  const { connection } = useApp();
  const [logins, setLogins] = useState<readonly SandboxLogin[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = () =>
      connection.bridge.request['sandbox.listLogins']({})
        .then(setLogins)
        .catch((err: unknown) => setError(describeError(err)));
    void load();
    // the 2FA code changes every 30 s
    const timer = setInterval(() => void load(), 10_000);
    return () => clearInterval(timer);
  }, [connection]);
  if (error) return <p className="field-error">Could not read the sandbox logins: {error}</p>;
  if (!logins || logins.length === 0) return null;
  return (
    <details className="endpoint" data-testid="sandbox-logins" open>
      <summary>Sandbox KMC logins (for Kaltura entries → Sign in)</summary>
      {logins.map((l) => (
        <div
          key={l.loginId}
          className="login"
          data-testid={`sandbox-login-${l.currentCode === null ? 'plain' : '2fa'}`}
        >
          <CopyField
            label={`Email${l.currentCode !== null ? ' (two-factor)' : ''}`}
            value={l.loginId}
            testId="sandbox-login-id"
          />
          <CopyField label="Password" value={l.password} testId="sandbox-login-password" />
          {l.currentCode !== null && (
            <CopyField label="Current 2FA code" value={l.currentCode} testId="sandbox-login-code" />
          )}
        </div>
      ))}
    </details>
  );
}
