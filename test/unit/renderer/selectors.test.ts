// Pure selectors and formatting: ordering problems first, health texts, drift, filters, status summaries.
import { describe, expect, it } from 'vitest';
import {
  apiSummary,
  bitrateDrift,
  filterEvents,
  healthText,
  inputSummary,
  ksSummary,
  mainStream,
  refusalReason,
  sortEntryIds,
  streamIndicator,
} from '../../../renderer/src/state/selectors.js';
import { formatBitrate, formatBytes, formatDuration, formatRelative } from '../../../renderer/src/lib/format.js';
import type { EntryState } from '../../../shared/state.js';
import { makeEntry, makeEvent, makeStream, T0 } from './fixtures.js';

function byId(...entries: EntryState[]): Record<string, EntryState> {
  return Object.fromEntries(entries.map((e) => [e.entryId, e]));
}

describe('sortEntryIds', () => {
  it('puts Poor, then refused, then Fair, then Good; names break ties', () => {
    const good = makeEntry({ entryId: '0_aaaaaaaa', name: 'A good' });
    const fair = makeEntry({ entryId: '0_bbbbbbbb', name: 'B fair', health: 'Fair' });
    const poor = makeEntry({ entryId: '0_cccccccc', name: 'C poor', health: 'Poor' });
    const refusedButFair = makeEntry({
      entryId: '0_dddddddd',
      name: 'D refused',
      health: 'Fair',
      streams: [makeStream({ entryId: '0_dddddddd', state: 'refused', reason: 'bad token' })],
    });
    const good2 = makeEntry({ entryId: '0_eeeeeeee', name: 'A2 good' });
    expect(sortEntryIds(byId(good, fair, poor, refusedButFair, good2))).toEqual([
      '0_cccccccc',
      '0_dddddddd',
      '0_bbbbbbbb',
      '0_aaaaaaaa',
      '0_eeeeeeee',
    ]);
  });

  it('ranks entries of equal health by their worst alert', () => {
    const alert = (severity: 'warning' | 'critical') => ({
      code: 102,
      name: 'NoAudioSignal',
      severity,
      entryId: 'x',
      streamName: null,
      mediaServerIndex: 0,
      raisedAtMs: T0,
      text: 't',
      arguments: {},
    });
    const warn = makeEntry({ entryId: '0_aaaaaaaa', name: 'A', health: 'Fair', alerts: [alert('warning')] });
    const crit = makeEntry({ entryId: '0_bbbbbbbb', name: 'B', health: 'Fair', alerts: [alert('critical')] });
    const none = makeEntry({ entryId: '0_cccccccc', name: 'C', health: 'Fair' });
    expect(sortEntryIds(byId(none, warn, crit))).toEqual(['0_bbbbbbbb', '0_aaaaaaaa', '0_cccccccc']);
  });
});

describe('entry texts', () => {
  it('healthText adds the reason only when there is one', () => {
    expect(healthText({ health: 'Good', healthReason: '' })).toBe('Good');
    expect(healthText({ health: 'Poor', healthReason: 'no audio for 12 s' })).toBe('Poor: no audio for 12 s');
  });

  it('refusalReason gives the latest refused or failed stream reason', () => {
    const entry = makeEntry({
      streams: [
        makeStream({ id: 'a', state: 'refused', reason: 'old reason', stateSinceMs: T0 }),
        makeStream({ id: 'b', state: 'refused', reason: 'LIVE_STREAM_INVALID_TOKEN', stateSinceMs: T0 + 5000 }),
      ],
    });
    expect(refusalReason(entry)).toBe('LIVE_STREAM_INVALID_TOKEN');
    expect(refusalReason(makeEntry())).toBeNull();
  });

  it('streamIndicator and mainStream prefer the active stream per server index', () => {
    const entry = makeEntry({
      streams: [
        makeStream({ id: 'p-old', mediaServerIndex: 0, state: 'ended', stateSinceMs: T0 }),
        makeStream({ id: 'b', mediaServerIndex: 1, state: 'live', stateSinceMs: T0 + 1 }),
      ],
    });
    expect(streamIndicator(entry, 0)).toEqual({ label: 'Primary', text: 'Ended', tone: 'idle' });
    expect(streamIndicator(entry, 1)).toEqual({ label: 'Backup', text: 'Live', tone: 'good' });
    expect(mainStream(entry)?.id).toBe('b');
    expect(streamIndicator(makeEntry({ streams: [] }), 1)).toEqual({ label: 'Backup', text: 'none', tone: 'idle' });
  });

  it('inputSummary reads the probe', () => {
    expect(inputSummary(makeStream())).toBe('1920×1080 · 30 fps · 4.95 Mbps');
    expect(inputSummary(makeStream({ probe: null }))).toBe('—');
    expect(inputSummary(null)).toBe('—');
  });
});

describe('bitrateDrift', () => {
  it('is good within 20 %, fair within 50 %, poor beyond', () => {
    expect(bitrateDrift(2_500_000, 2_600_000).tone).toBe('good');
    expect(bitrateDrift(2_500_000, 1_500_000)).toEqual({ ratio: -0.4, tone: 'fair', text: '−40% vs target' });
    expect(bitrateDrift(1_000_000, 1_600_000).tone).toBe('poor');
    expect(bitrateDrift(1_000_000, 1_600_000).text).toBe('+60% vs target');
  });
  it('says why there is no drift', () => {
    expect(bitrateDrift(1_000_000, null)).toEqual({ ratio: null, tone: 'idle', text: 'not measured yet' });
    expect(bitrateDrift(null, 500_000)).toEqual({ ratio: null, tone: 'idle', text: 'no target' });
  });
});

describe('filterEvents', () => {
  const events = [
    makeEvent(1, { entryId: '0_aaaaaaaa', severity: 'info' }),
    makeEvent(2, { entryId: '0_bbbbbbbb', severity: 'error' }),
    makeEvent(3, { entryId: '0_aaaaaaaa', severity: 'error' }),
    makeEvent(4, { entryId: null, severity: 'warning' }),
  ];
  it('returns newest first, filtered by entry and severity', () => {
    expect(filterEvents(events, { entryId: null, severity: null }).map((e) => e.id)).toEqual([4, 3, 2, 1]);
    expect(filterEvents(events, { entryId: '0_aaaaaaaa', severity: null }).map((e) => e.id)).toEqual([3, 1]);
    expect(filterEvents(events, { entryId: null, severity: 'error' }).map((e) => e.id)).toEqual([3, 2]);
    expect(filterEvents(events, { entryId: '0_bbbbbbbb', severity: 'info' })).toEqual([]);
  });
});

describe('status summaries', () => {
  it('ksSummary warns when the KS is about to expire and says what to do when expired', () => {
    const ks = { state: 'valid' as const, validUntilMs: T0 + 5 * 60_000, lastRenewalAtMs: T0, lastError: null };
    expect(ksSummary(ks, T0).tone).toBe('fair');
    expect(ksSummary(ks, T0).text).toContain('in 5 min');
    expect(ksSummary({ ...ks, validUntilMs: T0 + 3_600_000 * 20 }, T0).tone).toBe('good');
    expect(ksSummary({ ...ks, state: 'expired' }, T0)).toEqual({
      text: 'KS expired: renew it now or check the admin secret in Settings',
      tone: 'poor',
    });
    expect(ksSummary(undefined, T0).tone).toBe('idle');
  });
  it('apiSummary', () => {
    expect(apiSummary({ reachable: true, lastOkAtMs: T0, lastError: null, lastLatencyMs: 12.4 }).text).toBe(
      'API reachable (12 ms)',
    );
    expect(apiSummary({ reachable: false, lastOkAtMs: null, lastError: 'ECONNREFUSED', lastLatencyMs: null })).toEqual({
      text: 'API unreachable: ECONNREFUSED',
      tone: 'poor',
    });
    expect(apiSummary({ reachable: null, lastOkAtMs: null, lastError: null, lastLatencyMs: null }).tone).toBe('idle');
    expect(
      apiSummary({
        reachable: true,
        lastOkAtMs: T0,
        lastError: null,
        lastLatencyMs: 2000,
        degraded: true,
        recentFailurePercent: 30,
      }),
    ).toEqual({ text: "API degraded: 30 % of the last minute's calls failed (retrying)", tone: 'fair' });
  });
});

describe('format', () => {
  it('formatBitrate picks the unit', () => {
    expect(formatBitrate(2_950_000)).toBe('2.95 Mbps');
    expect(formatBitrate(12_345_678)).toBe('12.3 Mbps');
    expect(formatBitrate(850_400)).toBe('850 kbps');
    expect(formatBitrate(999)).toBe('999 bps');
    expect(formatBitrate(null)).toBe('—');
    expect(formatBitrate(Number.NaN)).toBe('—');
  });
  it('formatDuration', () => {
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(-1)).toBe('—');
  });
  it('formatBytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(8 * 2 ** 30)).toBe('8.0 GB');
  });
  it('formatRelative', () => {
    expect(formatRelative(T0 - 12_000, T0)).toBe('12 s ago');
    expect(formatRelative(T0 + 5 * 60_000, T0)).toBe('in 5 min');
    expect(formatRelative(T0 - 3 * 3_600_000, T0)).toBe('3 h ago');
    expect(formatRelative(null, T0)).toBe('—');
  });
});
