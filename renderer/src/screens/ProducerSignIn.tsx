// Sign in to Kaltura: a KMC login (email, password, the 2FA code when the account has one, the partner when
// the login belongs to several) or partner id + admin secret. The password goes to main once; the form
// clears it after every attempt. Kaltura's refusals come back in words (wrong password, missing 2FA code...).
import { useState } from 'react';
import { ProducerSignInRequestSchema, type ProducerSignInRequest } from '../../../shared/producer.js';
import { useApp, useProducer } from '../state/context.js';
import { describeError, loadProducer } from '../state/sync.js';

export function ProducerSignIn(props: { serviceLabel: string; partnerId?: number; loginId?: string }) {
  const { connection, stores } = useApp();
  const problem = useProducer((s) => s.status?.problem ?? null);
  const [method, setMethod] = useState<'login' | 'secret'>('login');
  const [loginId, setLoginId] = useState(props.loginId ?? '');
  const [password, setPassword] = useState('');
  const [otp, setOtp] = useState('');
  const [partnerId, setPartnerId] = useState(props.partnerId !== undefined ? String(props.partnerId) : '');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [needsOtp, setNeedsOtp] = useState(false);

  const submit = async () => {
    const pid = partnerId.trim() === '' ? undefined : Number(partnerId.trim());
    const raw: ProducerSignInRequest =
      method === 'login'
        ? {
            method,
            loginId,
            password,
            ...(otp.trim() ? { otp: otp.trim() } : {}),
            ...(pid !== undefined && Number.isInteger(pid) ? { partnerId: pid } : {}),
          }
        : { method, partnerId: pid ?? Number.NaN, adminSecret: secret };
    const parsed = ProducerSignInRequestSchema.safeParse(raw);
    if (!parsed.success) {
      setError(parsed.error.issues.map((i) => i.message).join('; ') + '.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const status = await connection.bridge.request['producer.signIn'](parsed.data);
      stores.producer.getState().setStatus(status);
      setPassword('');
      setSecret('');
      setOtp('');
      await loadProducer(connection, stores);
    } catch (err) {
      const message = describeError(err);
      if (/MISSING_OTP|INVALID_OTP/.test(message)) setNeedsOtp(true);
      setError(message);
      // keep the password when only the 2FA code is missing or wrong: the producer adds the code and retries
      if (!/OTP/.test(message)) setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="signin"
      data-testid="producer-signin"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>Sign in to {props.serviceLabel}</h3>
      <div className="button-row" role="radiogroup" aria-label="How to sign in">
        <label className="checkbox-inline">
          <input
            type="radio"
            name="signin-method"
            checked={method === 'login'}
            onChange={() => setMethod('login')}
            data-testid="signin-method-login"
          />{' '}
          KMC login (email and password)
        </label>
        <label className="checkbox-inline">
          <input
            type="radio"
            name="signin-method"
            checked={method === 'secret'}
            onChange={() => setMethod('secret')}
            data-testid="signin-method-secret"
          />{' '}
          Partner id and admin secret
        </label>
      </div>
      {method === 'login' ? (
        <>
          <div className="form-row">
            <label htmlFor="signin-login">Email</label>
            <input
              id="signin-login"
              data-testid="signin-login"
              type="email"
              autoComplete="username"
              value={loginId}
              onChange={(e) => setLoginId(e.target.value)}
            />
          </div>
          <div className="form-row">
            <label htmlFor="signin-password">Password</label>
            <input
              id="signin-password"
              data-testid="signin-password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <div className="form-row">
            <label htmlFor="signin-otp">
              2FA code {needsOtp ? '' : '(only if your account uses two-factor authentication)'}
            </label>
            <input
              id="signin-otp"
              data-testid="signin-otp"
              inputMode="numeric"
              autoComplete="one-time-code"
              value={otp}
              onChange={(e) => setOtp(e.target.value)}
            />
          </div>
          <div className="form-row">
            <label htmlFor="signin-partner">Partner id (only if your login belongs to several partners)</label>
            <input
              id="signin-partner"
              data-testid="signin-partner"
              inputMode="numeric"
              value={partnerId}
              onChange={(e) => setPartnerId(e.target.value)}
            />
          </div>
        </>
      ) : (
        <>
          <div className="form-row">
            <label htmlFor="signin-pid">Partner id</label>
            <input
              id="signin-pid"
              data-testid="signin-pid"
              inputMode="numeric"
              value={partnerId}
              onChange={(e) => setPartnerId(e.target.value)}
            />
          </div>
          <div className="form-row">
            <label htmlFor="signin-secret">Admin secret (KMC → Settings → Integration Settings)</label>
            <input
              id="signin-secret"
              data-testid="signin-secret"
              type="password"
              autoComplete="off"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
            />
          </div>
        </>
      )}
      <button type="submit" className="primary" disabled={busy} data-testid="signin-submit">
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {(error ?? problem) && (
        <p className="field-error" role="alert" data-testid="signin-error">
          {error ?? problem}
        </p>
      )}
      <p className="muted">
        The station keeps the session on this computer's station process only; the window never sees it. Sign out
        forgets it.
      </p>
    </form>
  );
}
