// Regression (issue 21): a producer who publishes with a mistyped token and then corrects it within a second was
// refused for 30 s, told the corrected token was wrong (the failure block was keyed on the source address). Real
// FFmpeg publishers over RTMP into an in-process station with the built-in sandbox: the same wrong token is
// answered locally (no second Kaltura call, the refusal says so), the corrected one is asked at once and goes live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSTHROUGH_PROFILE_ID } from '../../../main/sandbox/index.js';
import { startPublisher, type Publisher } from '../../helpers/publisher.js';
import { waitFor } from '../../helpers/net.js';
import { apiCalls, startDrillStation, type DrillStation } from '../drills/drill-kit.js';

let s: DrillStation;
const publishers: Publisher[] = [];

beforeAll(async () => {
  s = await startDrillStation();
});

afterAll(async () => {
  await Promise.all(publishers.map((p) => p.stop()));
  await s?.stop();
});

function publish(entryId: string, partnerId: number, token: string, durationSeconds: number): Publisher {
  const p = startPublisher({ rtmpPort: s.rtmpPort, partnerId, entryId, token }, { durationSeconds });
  publishers.push(p);
  return p;
}

describe('a corrected token goes through at once (issue 21)', () => {
  it('refuses the same wrong token locally, then accepts the right one published within a second', async () => {
    const entry = s.sandbox.store.createEntry({
      name: 'typo in the token',
      conversionProfileId: PASSTHROUGH_PROFILE_ID,
    });
    const authCalls = async (): Promise<number> => apiCalls(s.httpUrl, { call: 'livestream.authenticate' });
    const before = await authCalls();
    const refusedMessages = async (): Promise<string[]> =>
      ((await s.snapshot()).entries.find((e) => e.entryId === entry.id)?.streams ?? [])
        .filter((st) => st.state === 'refused')
        .map((st) => st.reason ?? '');

    const first = publish(entry.id, entry.partnerId, 'typo0000', 5);
    expect(await first.exited).not.toBe(0);
    expect(first.stderr()).toMatch(/wrong-token/);
    expect(await authCalls()).toBe(before + 1);

    // the encoder retries with the same wrong token: answered from the block, Kaltura is not asked again
    const again = publish(entry.id, entry.partnerId, 'typo0000', 5);
    expect(await again.exited).not.toBe(0);
    const againRefusedAtMs = Date.now();
    const denied =
      again
        .stderr()
        .split('\n')
        .find((l) => l.includes('Server error')) ?? '';
    expect(denied).toContain('this same token was refused');
    expect(denied).toMatch(/not asked about it again for \d+ s/);
    expect(await authCalls()).toBe(before + 1);

    // the producer fixes the typo; the corrected publish starts within a second of the last refusal
    const right = publish(entry.id, entry.partnerId, entry.streamPassword, 30);
    expect(Date.now() - againRefusedAtMs).toBeLessThan(1000);
    await waitFor(
      async () => {
        const streams = (await s.snapshot()).entries.find((e) => e.entryId === entry.id)?.streams ?? [];
        return streams.some((st) => st.state === 'live' || st.state === 'playable');
      },
      { timeoutMs: 20_000, what: 'the corrected publish to be live' },
    );
    expect(right.child.exitCode).toBeNull();
    expect(await authCalls()).toBe(before + 2);

    const messages = await refusedMessages();
    expect(JSON.stringify(await s.snapshot())).not.toContain('typo0000');
    expect(messages.join('\n')).not.toContain(entry.streamPassword);
  });
});
