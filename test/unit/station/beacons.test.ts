import { describe, expect, it } from 'vitest';
import { BeaconSender } from '../../../main/station/beacons.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { Redactor } from '../../../main/log/redact.js';
import { createLogger, memorySink } from '../../../main/log/logger.js';
import { makeAlert } from '../../../main/station/health/stream-alerts.js';

type Call = { partnerId: number; entryId: string; eventType: string; privateData: string };

function rig(
  enabled = true,
  fail = false,
): {
  sender: BeaconSender;
  calls: Call[];
  clock: ManualClock;
  sink: ReturnType<typeof memorySink>;
  redactor: Redactor;
} {
  const calls: Call[] = [];
  const clock = new ManualClock();
  const sink = memorySink();
  const redactor = new Redactor();
  const sender = new BeaconSender({
    api: {
      addBeacon: async (a) => {
        calls.push(a);
        if (fail) throw new Error('HTTP 500 from https://k/api_v3/service/beacon?ks=djJ8AAAAAAAAAAAAAAAAAAAA');
      },
    },
    clock,
    logger: createLogger({ sinks: [sink], level: 'debug', redactor }),
    redactor,
    enabled: () => enabled,
    flushIntervalMs: 10_000,
  });
  return { sender, calls, clock, sink, redactor };
}

const subject = { entryId: '0_rkij47dr', streamName: '0_rkij47dr_1', mediaServerIndex: 1 };

describe('BeaconSender', () => {
  it('sends the current alert set per entry and index, as Kaltura healthData JSON', async () => {
    const { sender, calls } = rig();
    const a102 = makeAlert(102, subject, 1000, 'No audio', 'audio');
    const a111 = makeAlert(111, { ...subject, mediaServerIndex: 0 }, 2000, 'wrong token', '0_rkij47dr_1');
    a111.arguments.alertType = 'LIVE_STREAM_INVALID_TOKEN';
    sender.onAlert({ kind: 'raised', alert: a102, partnerId: 102 });
    sender.onAlert({ kind: 'raised', alert: a111, partnerId: 102 });
    await sender.flush();
    expect(calls.map((c) => c.eventType).sort()).toEqual(['0_healthData', '1_healthData']);
    const backup = calls.find((c) => c.eventType === '1_healthData');
    expect(backup).toMatchObject({ partnerId: 102, entryId: '0_rkij47dr' });
    expect(JSON.parse(backup?.privateData ?? '')).toEqual({
      alerts: [
        { Arguments: { entryId: '0_rkij47dr', alertType: 'NoAudioSignal', parameter: 'audio' }, Time: 1000, Code: 102 },
      ],
      maxSeverity: 3,
    });
    const primary = JSON.parse(calls.find((c) => c.eventType === '0_healthData')?.privateData ?? '');
    expect(primary).toEqual({
      alerts: [
        {
          Arguments: { entryId: '0_rkij47dr', alertType: 'LIVE_STREAM_INVALID_TOKEN', parameter: '0_rkij47dr_1' },
          Time: 2000,
          Code: 111,
        },
      ],
      maxSeverity: 4,
    });
  });

  it('sends 107 InvalidKeyFrameInterval with the measured interval (issue 21)', async () => {
    const { sender, calls } = rig();
    sender.onAlert({
      kind: 'raised',
      alert: makeAlert(107, { ...subject, mediaServerIndex: 0 }, 3000, 'keyframe every 8.3 s', '8.33'),
      partnerId: 102,
    });
    await sender.flush();
    expect(JSON.parse(calls[0]?.privateData ?? '')).toEqual({
      alerts: [
        {
          Arguments: { entryId: '0_rkij47dr', alertType: 'InvalidKeyFrameInterval', parameter: '8.33' },
          Time: 3000,
          Code: 107,
        },
      ],
      maxSeverity: 1,
    });
  });

  it('sends only changes: nothing when nothing changed, an empty set after a clear', async () => {
    const { sender, calls } = rig();
    const a = makeAlert(103, subject, 1000, 'No video', 'video');
    sender.onAlert({ kind: 'raised', alert: a, partnerId: 7 });
    await sender.flush();
    await sender.flush();
    expect(calls).toHaveLength(1);
    sender.onAlert({ kind: 'cleared', alert: a, partnerId: 7 });
    await sender.flush();
    expect(calls).toHaveLength(2);
    expect(JSON.parse(calls[1]?.privateData ?? '')).toEqual({ alerts: [], maxSeverity: 1 });
  });

  it('batches on its timer', async () => {
    const { sender, calls, clock } = rig();
    sender.start();
    sender.onAlert({ kind: 'raised', alert: makeAlert(102, subject, 1, 't', 'audio'), partnerId: 7 });
    sender.onAlert({ kind: 'raised', alert: makeAlert(103, subject, 2, 't', 'video'), partnerId: 7 });
    clock.advance(9_999);
    expect(calls).toHaveLength(0);
    clock.advance(1);
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1);
    expect(JSON.parse(calls[0]?.privateData ?? '').alerts).toHaveLength(2);
    sender.stop();
  });

  it('never puts a token or secret in privateData, even if one reached an argument', async () => {
    const { sender, calls, redactor } = rig();
    redactor.addSecret('dj94kfit');
    const a = makeAlert(111, subject, 1, 'x', 'rtmp://h/kLive/?p=1&e=0_rkij47dr&i=0&t=dj94kfit');
    sender.onAlert({ kind: 'raised', alert: a, partnerId: 1 });
    await sender.flush();
    expect(calls[0]?.privateData).not.toContain('dj94kfit');
    expect(() => JSON.parse(calls[0]?.privateData ?? '')).not.toThrow();
  });

  it('does nothing when beacons are disabled in settings', async () => {
    const { sender, calls } = rig(false);
    sender.onAlert({ kind: 'raised', alert: makeAlert(102, subject, 1, 't', 'audio'), partnerId: 7 });
    await sender.flush();
    expect(calls).toEqual([]);
  });

  it('logs and swallows API failures, without the KS in the log', async () => {
    const { sender, calls, sink } = rig(true, true);
    sender.onAlert({ kind: 'raised', alert: makeAlert(102, subject, 1, 't', 'audio'), partnerId: 7 });
    await expect(sender.flush()).resolves.toBeUndefined();
    expect(calls).toHaveLength(1);
    const line = sink.lines.find((l) => l.includes('could not send the health beacon'));
    expect(line).toBeDefined();
    expect(line).not.toContain('djJ8AAAA');
  });
});
