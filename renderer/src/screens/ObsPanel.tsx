// Send to OBS: the station (in main) connects to OBS's WebSocket server with the address and password typed
// here, sets OBS's stream service to this station's server and key for the chosen entry, offers Start/Stop
// streaming, and shows OBS's state, output bitrate and the settings that hurt the ladder.
import { useEffect, useState } from 'react';
import { DEFAULT_OBS_ADDRESS, ObsAddressSchema } from '../../../shared/obs.js';
import { useApp, useProducer } from '../state/context.js';
import { describeError } from '../state/sync.js';
import { ToneBadge } from '../components/ToneBadge.js';

export function ObsPanel({ entryId }: { entryId: string }) {
  const { connection, stores } = useApp();
  const obs = useProducer((s) => s.obs);
  const [address, setAddress] = useState(DEFAULT_OBS_ADDRESS);
  const [password, setPassword] = useState('');
  const [index, setIndex] = useState<0 | 1>(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const connected = obs?.connected === true;

  useEffect(() => {
    if (!connected) return;
    const timer = setInterval(() => {
      void connection.bridge.request['obs.getStatus']({})
        .then((s) => stores.producer.getState().setObs(s))
        .catch(() => undefined);
    }, 2000);
    return () => clearInterval(timer);
  }, [connection, stores, connected]);

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const send = () =>
    act(async () => {
      const checked = ObsAddressSchema.safeParse(address);
      if (!checked.success) throw new Error(checked.error.issues[0]?.message ?? 'invalid address');
      stores.producer.getState().setObs(
        await connection.bridge.request['obs.send']({
          address: checked.data,
          password,
          entryId,
          mediaServerIndex: index,
        }),
      );
    });
  const sentHere = obs?.entryId === entryId && obs.settingsApplied;
  return (
    <div className="endpoint obs-panel" data-testid="obs-panel">
      <h3>Send to OBS</h3>
      <p className="hint">
        OBS 28 or newer: in OBS open Tools → WebSocket Server Settings, tick “Enable WebSocket server”, and copy the
        port and password from “Show Connect Info”.
      </p>
      <div className="form-row">
        <label htmlFor="obs-address">OBS address</label>
        <input
          id="obs-address"
          data-testid="obs-address"
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          spellCheck={false}
        />
      </div>
      <div className="form-row">
        <label htmlFor="obs-password">OBS WebSocket password (empty if authentication is off)</label>
        <input
          id="obs-password"
          data-testid="obs-password"
          type="password"
          autoComplete="off"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <div className="button-row">
        <label className="checkbox-inline">
          <input type="radio" name="obs-index" checked={index === 0} onChange={() => setIndex(0)} /> Primary
        </label>
        <label className="checkbox-inline">
          <input type="radio" name="obs-index" checked={index === 1} onChange={() => setIndex(1)} /> Backup
        </label>
        <button type="button" className="primary" disabled={busy} data-testid="obs-send" onClick={() => void send()}>
          Send to OBS
        </button>
        {connected && sentHere && !obs.streaming && (
          <button
            type="button"
            disabled={busy}
            data-testid="obs-start"
            onClick={() =>
              void act(async () =>
                stores.producer.getState().setObs(await connection.bridge.request['obs.startStreaming']({})),
              )
            }
          >
            Start streaming
          </button>
        )}
        {connected && obs.streaming && (
          <button
            type="button"
            className="danger"
            disabled={busy}
            data-testid="obs-stop"
            onClick={() =>
              void act(async () =>
                stores.producer.getState().setObs(await connection.bridge.request['obs.stopStreaming']({})),
              )
            }
          >
            Stop streaming
          </button>
        )}
      </div>
      {obs && (
        <div data-testid="obs-status">
          {obs.connected ? (
            <p>
              <ToneBadge
                tone={obs.streaming ? 'good' : 'idle'}
                text={obs.streaming ? (obs.reconnecting ? 'OBS reconnecting' : 'OBS streaming') : 'OBS not streaming'}
                testId="obs-streaming"
              />{' '}
              OBS {obs.obsVersion ?? ''} at {obs.address}
              {sentHere
                ? ` · settings for ${obs.entryId} (${obs.mediaServerIndex === 1 ? 'backup' : 'primary'}) applied`
                : obs.entryId
                  ? ` · OBS points at ${obs.entryId}, not this entry`
                  : ''}
              {obs.outputBitrateKbps !== null && (
                <span data-testid="obs-bitrate"> · {obs.outputBitrateKbps} kbps out</span>
              )}
              {obs.skippedFrames !== null && obs.totalFrames
                ? ` · ${obs.skippedFrames} of ${obs.totalFrames} frames skipped`
                : ''}
            </p>
          ) : null}
          {obs.warnings.length > 0 && (
            <ul className="warnings" data-testid="obs-warnings">
              {obs.warnings.map((w) => (
                <li key={w} className="text-fair">
                  ! {w}
                </li>
              ))}
            </ul>
          )}
          {obs.problem && (
            <p className="field-error" role="alert" data-testid="obs-problem">
              {obs.problem}
            </p>
          )}
        </div>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
