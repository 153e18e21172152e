// The sandbox partners' Kaltura features and live limits, switchable so a producer can rehearse each refusal
// a real account gives (no server node, no Hybrid eCDN, Kaltura recording on, too many streams).
import { memo, useId, useState } from 'react';
import type { SandboxPartner, SandboxPartnerFeatures, UpdateSandboxPartnerRequest } from '../../../shared/sandbox.js';
import { useApp, useSandbox } from '../state/context.js';
import { describeError } from '../state/sync.js';

const FEATURES: readonly { key: keyof SandboxPartnerFeatures; label: string; hint: string }[] = [
  {
    key: 'serverNode',
    label: 'Server node',
    hint: 'FEATURE_SERVER_NODE: off, serverNode calls are refused (SERVICE_FORBIDDEN) and the station cannot register',
  },
  {
    key: 'hybridEcdn',
    label: 'Hybrid eCDN',
    hint: "FEATURE_HYBRID_ECDN: off, media-server calls with the partner's own admin KS are refused (SERVICE_FORBIDDEN)",
  },
  {
    key: 'kalturaRecording',
    label: 'Kaltura recording',
    hint: 'FEATURE_LIVE_STREAM_KALTURA_RECORDING: on, recordings go through setRecordedContent; appendRecording is refused (KALTURA_RECORDING_ENABLED)',
  },
  {
    key: 'liveStream',
    label: 'Live stream',
    hint: 'FEATURE_LIVE_STREAM: off, every liveStream call but isLive is refused (SERVICE_FORBIDDEN)',
  },
  {
    key: 'liveStreamTranscode',
    label: 'Cloud transcode',
    hint: 'FEATURE_KALTURA_LIVE_STREAM_TRANSCODE: off, entries on a transcoding profile are refused (LIVE_STREAM_EXCEEDED_MAX_TRANSCODED)',
  },
];

function LimitField(props: {
  label: string;
  value: number;
  disabled: boolean;
  testId: string;
  onSave: (value: number) => void;
}) {
  const id = useId();
  const [text, setText] = useState(String(props.value));
  const parsed = Number(text);
  const invalid = text.trim() === '' || !Number.isInteger(parsed) || parsed < 0 || parsed > 10_000;
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!invalid && parsed !== props.value) props.onSave(parsed);
      }}
    >
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        data-testid={props.testId}
        inputMode="numeric"
        value={text}
        aria-invalid={invalid}
        onChange={(e) => setText(e.target.value)}
      />
      {!invalid && parsed !== props.value && (
        <button type="submit" disabled={props.disabled}>
          Set
        </button>
      )}
      {invalid && <p className="field-error">{props.label}: a whole number from 0 to 10000.</p>}
    </form>
  );
}

const PartnerRow = memo(function PartnerRow({ partner }: { partner: SandboxPartner }) {
  const { connection, stores } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const update = async (patch: Omit<UpdateSandboxPartnerRequest, 'partnerId'>) => {
    setBusy(true);
    setError(null);
    try {
      stores.sandbox
        .getState()
        .upsertPartner(
          await connection.bridge.request['sandbox.updatePartner']({ partnerId: partner.partnerId, ...patch }),
        );
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr data-testid={`sandbox-partner-${partner.partnerId}`}>
      <td>
        {partner.name}
        <div className="cell-sub mono">partner {partner.partnerId}</div>
      </td>
      <td>
        {FEATURES.map((f) => (
          <label key={f.key} className="checkbox-inline" title={f.hint}>
            <input
              type="checkbox"
              data-testid={`sandbox-feature-${f.key}`}
              checked={partner.features[f.key]}
              disabled={busy}
              onChange={(e) => void update({ features: { [f.key]: e.target.checked } })}
            />{' '}
            {f.label}
          </label>
        ))}
      </td>
      <td>
        <LimitField
          key={`in-${partner.maxLiveStreamInputs}`}
          label="Passthrough streams"
          testId="sandbox-limit-inputs"
          value={partner.maxLiveStreamInputs}
          disabled={busy}
          onSave={(v) => void update({ maxLiveStreamInputs: v })}
        />
        <LimitField
          key={`out-${partner.maxLiveStreamOutputs}`}
          label="Transcoded streams"
          testId="sandbox-limit-outputs"
          value={partner.maxLiveStreamOutputs}
          disabled={busy}
          onSave={(v) => void update({ maxLiveStreamOutputs: v })}
        />
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
});

export function SandboxPartners() {
  const partners = useSandbox((s) => s.partners);
  if (partners.length === 0) return null;
  return (
    <section aria-labelledby="sandbox-partners-title">
      <div className="section-head">
        <h3 id="sandbox-partners-title">Partner features</h3>
        <span className="muted">
          What the sandbox's Kaltura account allows: switch a feature off to rehearse the refusal a real account would
          give.
        </span>
      </div>
      <table className="sandbox-table" data-testid="sandbox-partners">
        <thead>
          <tr>
            <th scope="col">Partner</th>
            <th scope="col">Features</th>
            <th scope="col">Concurrent live limits</th>
          </tr>
        </thead>
        <tbody>
          {partners.map((p) => (
            <PartnerRow key={p.partnerId} partner={p} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
