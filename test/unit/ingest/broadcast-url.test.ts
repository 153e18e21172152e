// Broadcast URL parsing (kaltura.md 1.1-1.3): the OBS form, the stream-key-query form, the host form,
// URL decoding, and every refusal with a message that names the fix and never the token.
import { describe, expect, it } from 'vitest';
import {
  describeUrlRefusal,
  parseBroadcast,
  redactedConnectionUrl,
  type UrlRefusal,
} from '../../../main/ingest/broadcast-url.js';
import { refusalFromUrl } from '../../../main/ingest/refusals.js';

const Q = 'p=102&e=0_rkij47dr&i=0&t=dj94kfit';

describe('parseBroadcast', () => {
  it('reads the OBS form: query on the app and tcUrl, publish name ENTRY_N', () => {
    const r = parseBroadcast({
      app: `kLive/?${Q}`,
      tcUrl: `rtmp://host:1935/kLive/?${Q}`,
      publishName: '0_rkij47dr_1',
    });
    expect(r).toEqual({
      ok: true,
      params: {
        partnerId: 102,
        entryId: '0_rkij47dr',
        token: 'dj94kfit',
        mediaServerIndex: 0,
        streamName: '0_rkij47dr_1',
        suffix: 1,
        form: 'obs',
      },
    });
  });

  it('reads the stream-key-query form', () => {
    const r = parseBroadcast({
      app: 'kLive',
      tcUrl: 'rtmp://host/kLive',
      publishName: `0_rkij47dr_3?${Q.replace('i=0', 'i=1')}`,
    });
    expect(r).toMatchObject({
      ok: true,
      params: { mediaServerIndex: 1, suffix: 3, streamName: '0_rkij47dr_3', form: 'stream-key' },
    });
  });

  it('prefers the app query over the publish-name query', () => {
    const r = parseBroadcast({
      app: `kLive/?${Q}`,
      tcUrl: null,
      publishName: '0_rkij47dr_1?p=1&e=0_rkij47dr&i=1&t=other',
    });
    expect(r).toMatchObject({ ok: true, params: { partnerId: 102, token: 'dj94kfit', mediaServerIndex: 0 } });
  });

  it('URL-decodes values (the Wowza module did not)', () => {
    const r = parseBroadcast({
      app: 'kLive/?p=102&e=0_rkij47dr&i=0&t=a%2Bb%26c',
      tcUrl: null,
      publishName: '0_rkij47dr_1',
    });
    expect(r).toMatchObject({ ok: true, params: { token: 'a+b&c' } });
    // a plus is a space, a broken escape is kept as sent, a value without either is taken as it is
    const token = (t: string): unknown => {
      const parsed = parseBroadcast({
        app: `kLive/?p=102&e=0_rkij47dr&i=0&t=${t}`,
        tcUrl: null,
        publishName: '0_rkij47dr_1',
      });
      return parsed.ok ? parsed.params.token : parsed.refusal;
    };
    expect(token('a+b')).toBe('a b');
    expect(token('100%')).toBe('100%');
    expect(token('100%25')).toBe('100%');
    expect(token('dj94kfit/')).toBe('dj94kfit');
    expect(token('dj94kfit')).toBe('dj94kfit');
  });

  it("reads Kaltura's host form: entry and index from the host, partner -5", () => {
    const r = parseBroadcast({
      app: 'kLive/?t=dj94kfit',
      tcUrl: 'rtmp://1_rdwhia6e.b.kpublish.kaltura.com:1935/kLive/?t=dj94kfit',
      publishName: '1_rdwhia6e_1',
    });
    expect(r).toMatchObject({
      ok: true,
      params: { entryId: '1_rdwhia6e', mediaServerIndex: 1, partnerId: -5, form: 'host' },
    });
  });

  const refused: Array<[string, Parameters<typeof parseBroadcast>[0], UrlRefusal['kind']]> = [
    ['another application', { app: `live/?${Q}`, tcUrl: null, publishName: '0_rkij47dr_1' }, 'wrong-application'],
    [
      'no token',
      { app: 'kLive/?p=102&e=0_rkij47dr&i=0', tcUrl: null, publishName: '0_rkij47dr_1' },
      'missing-parameter',
    ],
    ['no parameters at all', { app: 'kLive', tcUrl: null, publishName: '0_rkij47dr_1' }, 'missing-parameter'],
    [
      'a non-numeric partner',
      { app: `kLive/?${Q.replace('p=102', 'p=abc')}`, tcUrl: null, publishName: '0_rkij47dr_1' },
      'bad-partner-id',
    ],
    [
      'a malformed entry id',
      { app: 'kLive/?p=1&e=rkij47dr&i=0&t=x', tcUrl: null, publishName: 'rkij47dr_1' },
      'bad-entry-id',
    ],
    ['i=7', { app: `kLive/?${Q.replace('i=0', 'i=7')}`, tcUrl: null, publishName: '0_rkij47dr_1' }, 'bad-server-index'],
    [
      'i=primary',
      { app: `kLive/?${Q.replace('i=0', 'i=primary')}`, tcUrl: null, publishName: '0_rkij47dr_1' },
      'bad-server-index',
    ],
    ['a name without suffix', { app: `kLive/?${Q}`, tcUrl: null, publishName: '0_rkij47dr' }, 'bad-stream-name'],
    [
      'a suffix that is not a positive integer',
      { app: `kLive/?${Q}`, tcUrl: null, publishName: '0_rkij47dr_0' },
      'bad-stream-name',
    ],
    ['a name of another entry', { app: `kLive/?${Q}`, tcUrl: null, publishName: '1_other000_1' }, 'entry-mismatch'],
  ];
  for (const [what, input, kind] of refused) {
    it(`refuses ${what}`, () => {
      const r = parseBroadcast(input);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.refusal.kind).toBe(kind);
      const message = describeUrlRefusal(r.refusal);
      expect(message.length).toBeGreaterThan(20);
      expect(message).not.toContain('dj94kfit');
    });
  }

  it('keeps what it could read for the refusal record, and maps names to alert 112', () => {
    const r = parseBroadcast({ app: `kLive/?${Q}`, tcUrl: null, publishName: '1_other000_1' });
    expect(r).toMatchObject({
      ok: false,
      partial: { entryId: '0_rkij47dr', partnerId: 102, mediaServerIndex: 0, streamName: '1_other000_1' },
    });
    if (!r.ok) expect(refusalFromUrl(r.refusal)).toMatchObject({ reason: 'entry-mismatch', alertCode: 112 });
  });
});

describe('a mistyped key carrying the token', () => {
  it('never shows the token in the message or the partial record', () => {
    const r = parseBroadcast({
      app: 'kLive',
      tcUrl: null,
      publishName: '0_rkij47dr_1&p=102&e=0_rkij47dr&i=0&t=dj94kfit',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(JSON.stringify(r.partial)).not.toContain('dj94kfit');
    expect(describeUrlRefusal(r.refusal)).not.toContain('dj94kfit');
    expect(
      redactedConnectionUrl({ app: 'kLive', tcUrl: 'rtmp://h/kLive', publishName: '0_rkij47dr_1&t=dj94kfit' }),
    ).toBe('rtmp://h/kLive/0_rkij47dr_1&t=<redacted>');
    const bad = parseBroadcast({ app: `kLive/?${Q}`, tcUrl: null, publishName: '0_rkij47dr_1&t=dj94kfit' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(describeUrlRefusal(bad.refusal)).toContain('t=<redacted>');
  });
});

describe('redactedConnectionUrl', () => {
  it('masks the token in both forms', () => {
    expect(
      redactedConnectionUrl({ app: `kLive/?${Q}`, tcUrl: `rtmp://h:1935/kLive/?${Q}`, publishName: '0_rkij47dr_1' }),
    ).toBe('rtmp://h:1935/kLive/0_rkij47dr_1?p=102&e=0_rkij47dr&i=0&t=<redacted>');
    expect(redactedConnectionUrl({ app: 'kLive', tcUrl: 'rtmp://h/kLive', publishName: `0_rkij47dr_1?${Q}` })).toBe(
      'rtmp://h/kLive/0_rkij47dr_1?p=102&e=0_rkij47dr&i=0&t=<redacted>',
    );
  });
});
