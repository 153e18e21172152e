// ApiHealth's classification: a partial failure rate (a flapping uplink: server errors among answers) is
// "degraded", not "down"; only a lost connection is unreachable; one stray failure is not a pattern.
// Pins issue 20: 30 % errors showed as a plain "API reachable", hiding the flapping uplink from the producer.
import { describe, expect, it } from 'vitest';
import { ApiHealth, API_HEALTH_WINDOW_MS } from '../../../main/kaltura/api-health.js';
import type { CallInfo } from '../../../main/kaltura/client-retry.js';

const ok: CallInfo = { call: 'livestream.registermediaserver', durationMs: 2000, outcome: 'ok' };
const serverError: CallInfo = {
  call: 'livestream.registermediaserver',
  durationMs: 2000,
  outcome: 'api-error',
  code: 'INTERNAL_SERVERL_ERROR',
};
const refused: CallInfo = { call: 'livestream.get', durationMs: 10, outcome: 'api-error', code: 'ENTRY_ID_NOT_FOUND' };
const cut: CallInfo = {
  call: 'livestream.get',
  durationMs: 10,
  outcome: 'transport-error',
  code: 'network',
  message: 'connection reset',
};

function feed(health: ApiHealth, calls: CallInfo[], clock: { ms: number }, stepMs = 1000): void {
  for (const c of calls) {
    clock.ms += stepMs;
    health.observe(c);
  }
}

describe('ApiHealth', () => {
  it('shows 30 % server errors as degraded, still reachable', () => {
    const clock = { ms: 0 };
    const health = new ApiHealth(() => clock.ms);
    const changes: boolean[] = [];
    health.onChange((s) => changes.push(s.degraded ?? false));
    feed(health, [ok, serverError, ok, ok, serverError, ok, ok, serverError, ok, ok], clock);
    expect(health.status()).toMatchObject({ reachable: true, degraded: true, recentFailurePercent: 30 });
    expect(changes).toContain(true);
  });

  it('is not degraded by one stray failure or by refusals (answers about the request, not the server)', () => {
    const clock = { ms: 0 };
    const health = new ApiHealth(() => clock.ms);
    feed(health, [ok, ok, ok, serverError, ok, ok, refused, refused, refused], clock);
    expect(health.status()).toMatchObject({ reachable: true, degraded: false });
  });

  it('forgets failures older than its window', () => {
    const clock = { ms: 0 };
    const health = new ApiHealth(() => clock.ms);
    feed(health, [serverError, serverError, serverError, ok, ok], clock);
    expect(health.status().degraded).toBe(true);
    clock.ms += API_HEALTH_WINDOW_MS;
    feed(health, [ok, ok, ok, ok, ok], clock);
    expect(health.status()).toMatchObject({ degraded: false, recentFailurePercent: 0 });
  });

  it('a lost connection is unreachable (down), not degraded; the next answer makes it reachable again', () => {
    const clock = { ms: 0 };
    const health = new ApiHealth(() => clock.ms);
    feed(health, [ok, ok, ok, ok, cut], clock);
    expect(health.status()).toMatchObject({ reachable: false, degraded: false, lastError: 'connection reset' });
    feed(health, [ok], clock);
    expect(health.status().reachable).toBe(true);
  });
});
