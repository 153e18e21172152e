// The server-node line of Settings and the Connect screen (issue 16): registered with its heartbeat age, or the
// refusal with its fix, said before an event.
import { describe, expect, it } from 'vitest';
import { serverNodeSummary } from '../../../renderer/src/components/ServerNodeStatus.js';
import { validateSettingsForm, formFromSettings } from '../../../renderer/src/lib/settings-form.js';
import { DEFAULT_SETTINGS } from '../../../shared/settings.js';

const base = {
  hostname: 'studio-k3f9q2.example.com',
  nodeId: 7,
  method: 'reportStatus' as const,
  lastHeartbeatAtMs: 1_000_000,
  code: null,
  reason: null,
};

describe('serverNodeSummary', () => {
  it('says registered with the node and the heartbeat age', () => {
    const s = serverNodeSummary({ ...base, status: 'registered' }, 1_030_000);
    expect(s.tone).toBe('good');
    expect(s.detail).toMatch(/server node studio-k3f9q2\.example\.com \(node 7\); last heartbeat 30 s ago/);
  });

  it('says why Kaltura refused and that streams will be refused until it is fixed', () => {
    const s = serverNodeSummary(
      {
        ...base,
        status: 'refused',
        code: 'SERVICE_FORBIDDEN',
        reason:
          'this partner lacks the Server Node / Hybrid eCDN feature; ask your Kaltura account manager to enable it',
      },
      1_000_000,
    );
    expect(s).toMatchObject({ tone: 'poor', label: 'Refused (SERVICE_FORBIDDEN)' });
    expect(s.detail).toMatch(
      /lacks the Server Node \/ Hybrid eCDN feature.*Kaltura refuses every stream sent to this station/,
    );
  });
});

describe('hostname in the settings form', () => {
  const form = formFromSettings({ ...DEFAULT_SETTINGS, adminSecretStored: false });
  it.each([
    ['studio-a.example.com', undefined],
    ['', undefined],
    ['-studio', 'A part of the hostname may not start or end with a dash.'],
    [
      'a..b',
      'The hostname has an empty part (a leading, trailing or double dot): write it like studio-laptop.example.com.',
    ],
  ])('%j', (hostname, error) => {
    expect(validateSettingsForm({ ...form, hostname }, false).hostname).toBe(error);
  });
});
