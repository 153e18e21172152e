// Owns the parsing of what an encoder sends on connect + publish into Kaltura broadcast parameters
// (kaltura.md 1.1-1.3): the OBS form (query on the app), the stream-key-query form (query on the
// publish name) and Kaltura's host form. Pure: no I/O. Refusal messages never contain the token.
import type { MediaServerIndex } from '../core/kaltura-api.js';

export type BroadcastUrlForm = 'obs' | 'stream-key' | 'host';

export interface BroadcastParams {
  partnerId: number;
  entryId: string;
  token: string;
  mediaServerIndex: MediaServerIndex;
  /** ENTRY_N as published, without any query */
  streamName: string;
  /** N of ENTRY_N */
  suffix: number;
  form: BroadcastUrlForm;
}

export interface ConnectInput {
  /** RTMP connect `app` exactly as sent, e.g. `kLive/?p=102&e=0_rkij47dr&i=0&t=...` or `kLive` */
  app: string;
  /** RTMP connect `tcUrl` as sent (may be missing) */
  tcUrl: string | null;
  /** publish name exactly as sent, e.g. `0_rkij47dr_1` or `0_rkij47dr_1?p=...&t=...` */
  publishName: string;
}

export type UrlRefusal =
  | { kind: 'wrong-application'; application: string; expected: string }
  | { kind: 'missing-parameter'; parameter: 'p' | 'e' | 'i' | 't' }
  | { kind: 'bad-partner-id'; value: string }
  | { kind: 'bad-entry-id'; value: string }
  | { kind: 'bad-server-index'; value: string }
  | { kind: 'bad-stream-name'; value: string }
  | { kind: 'entry-mismatch'; streamName: string; entryId: string };

/** What could be read even when the URL is refused: for the refusal record. */
export interface PartialBroadcast {
  partnerId: number | null;
  entryId: string | null;
  streamName: string | null;
  mediaServerIndex: MediaServerIndex | null;
}

export type ParseResult =
  { ok: true; params: BroadcastParams } | { ok: false; refusal: UrlRefusal; partial: PartialBroadcast };

const ENTRY_ID_PATTERN = /^[01]_[0-9A-Za-z]{8}$/;
const STREAM_NAME_PATTERN = /^([01]_[0-9A-Za-z]{8})_([1-9][0-9]{0,8})$/;
const HOST_FORM_PATTERN = /^([01]_[0-9A-Za-z]{8})\.([pb])\.(?:[^.]*\.)*kpublish\.kaltura\.com$/i;
/** The partner id Kaltura's host form implies: the media server learns the real one with liveStream.get. */
export const HOST_FORM_PARTNER_ID = -5;

/** Splits `a=1&b=2` into decoded pairs; parts without `=` are dropped, the first value wins. */
export function parseQuery(query: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (query.endsWith('/') ? query.replace(/\/+$/, '') : query).split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = safeDecode(part.slice(0, eq));
    if (out.has(key)) continue;
    out.set(key, safeDecode(part.slice(eq + 1)));
  }
  return out;
}

function safeDecode(text: string): string {
  // most values have nothing to decode: a publish is answered sooner without the calls
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** The application name without its query and trailing slashes: `kLive/?p=..` -> `kLive`. */
export function applicationName(app: string): string {
  const q = app.indexOf('?');
  return (q >= 0 ? app.slice(0, q) : app).replace(/\/+$/, '');
}

function queryOf(text: string): string {
  const q = text.indexOf('?');
  return q >= 0 ? text.slice(q + 1) : '';
}

function hostOf(tcUrl: string | null): string | null {
  if (!tcUrl) return null;
  const m = /^[a-z]+:\/\/([^/:?]+)/i.exec(tcUrl);
  return m?.[1] ?? null;
}

export function parseBroadcast(input: ConnectInput, expectedApp = 'kLive'): ParseResult {
  const partial: PartialBroadcast = { partnerId: null, entryId: null, streamName: null, mediaServerIndex: null };
  const app = applicationName(input.app);
  const q = input.publishName.indexOf('?');
  const streamName = q >= 0 ? input.publishName.slice(0, q) : input.publishName;
  // the masked name is for the refusal record only: an accepted publish does not wait for it
  const refuse = (refusal: UrlRefusal): ParseResult => {
    partial.streamName = streamName === '' ? null : maskTokens(streamName);
    return { ok: false, refusal, partial };
  };
  if (app !== expectedApp) return refuse({ kind: 'wrong-application', application: app, expected: expectedApp });

  // Precedence (kaltura.md 1.2): app/tcUrl query first, then the publish-name query; host form fills gaps.
  const appQuery = queryOf(input.app) || queryOf(input.tcUrl ?? '');
  const keyQuery = queryOf(input.publishName);
  const params = new Map<string, string>();
  for (const [k, v] of parseQuery(keyQuery)) params.set(k, v);
  for (const [k, v] of parseQuery(appQuery)) params.set(k, v);
  let form: BroadcastUrlForm = appQuery ? 'obs' : 'stream-key';

  const hostMatch = HOST_FORM_PATTERN.exec(hostOf(input.tcUrl) ?? '');
  if (hostMatch) {
    if (!params.has('e')) params.set('e', hostMatch[1] ?? '');
    if (!params.has('i')) params.set('i', hostMatch[2]?.toLowerCase() === 'b' ? '1' : '0');
    if (!params.has('p')) params.set('p', String(HOST_FORM_PARTNER_ID));
    form = 'host';
  }

  const e = params.get('e');
  const p = params.get('p');
  const i = params.get('i');
  const t = params.get('t');
  if (e !== undefined && ENTRY_ID_PATTERN.test(e)) partial.entryId = e;
  if (p !== undefined && /^-?\d{1,10}$/.test(p)) partial.partnerId = Number(p);
  if (i === '0' || i === '1') partial.mediaServerIndex = Number(i) as MediaServerIndex;

  if (e === undefined || e === '') return refuse({ kind: 'missing-parameter', parameter: 'e' });
  if (t === undefined || t === '') return refuse({ kind: 'missing-parameter', parameter: 't' });
  if (p === undefined || p === '') return refuse({ kind: 'missing-parameter', parameter: 'p' });
  if (i === undefined || i === '') return refuse({ kind: 'missing-parameter', parameter: 'i' });
  if (partial.partnerId === null) return refuse({ kind: 'bad-partner-id', value: p });
  if (partial.entryId === null) return refuse({ kind: 'bad-entry-id', value: e });
  if (partial.mediaServerIndex === null) return refuse({ kind: 'bad-server-index', value: i });

  const nameMatch = STREAM_NAME_PATTERN.exec(streamName);
  if (!nameMatch) return refuse({ kind: 'bad-stream-name', value: streamName });
  if (nameMatch[1] !== e) return refuse({ kind: 'entry-mismatch', streamName, entryId: e });

  return {
    ok: true,
    params: {
      partnerId: partial.partnerId,
      entryId: e,
      token: t,
      mediaServerIndex: partial.mediaServerIndex,
      streamName,
      suffix: Number(nameMatch[2]),
      form,
    },
  };
}

/** A human message for a URL refusal: what is wrong and how to fix it. Never includes the token. */
export function describeUrlRefusal(r: UrlRefusal): string {
  const clip = (raw: string): string => {
    const v = maskTokens(raw);
    return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v);
  };
  switch (r.kind) {
    case 'wrong-application':
      return `unknown RTMP application ${clip(r.application)}: publish to rtmp://HOST/${r.expected}/?p=PARTNER&e=ENTRY&i=0&t=TOKEN`;
    case 'missing-parameter': {
      const what = { p: 'partnerId (p)', e: 'entryId (e)', i: 'server index (i)', t: 'token (t)' }[r.parameter];
      return `missing argument ${what}: use the full broadcast URL from the entry's live settings (…/kLive/?p=..&e=..&i=..&t=..)`;
    }
    case 'bad-partner-id':
      return `partnerId p=${clip(r.value)} is not an integer: copy the broadcast URL again from the entry's live settings`;
    case 'bad-entry-id':
      return `entryId e=${clip(r.value)} is not a Kaltura entry id (like 0_rkij47dr): copy the broadcast URL again`;
    case 'bad-server-index':
      return `server index i=${clip(r.value)} is neither 0 (primary) nor 1 (backup): use the primary or backup URL as given`;
    case 'bad-stream-name':
      return `stream name ${clip(r.value)} is not ENTRYID_N (e.g. 0_rkij47dr_1): set the stream key to the entry's stream name`;
    case 'entry-mismatch':
      return `stream name ${clip(r.streamName)} belongs to another entry than e=${r.entryId}: the stream key must start with ${r.entryId}_`;
  }
}

/** A mistyped key such as `ENTRY_1&t=TOKEN` must not carry the token into messages or events. */
function maskTokens(text: string): string {
  return text.replace(/(^|[?&;/])(t|token|ks)=[^&;/]*/gi, '$1$2=<redacted>');
}

/** The connection URL for records and the UI: server URL + stream name + query, the token masked. */
export function redactedConnectionUrl(input: ConnectInput): string {
  const tcUrl = input.tcUrl && /^[a-z]+:\/\//i.test(input.tcUrl) ? input.tcUrl : `rtmp://unknown/${input.app}`;
  const base = (tcUrl.split('?')[0] ?? '').replace(/\/+$/, '');
  const name = input.publishName.split('?')[0] ?? '';
  const queries = [queryOf(input.app) || queryOf(tcUrl), queryOf(input.publishName)]
    .filter((x) => x !== '')
    .map(redactQuery);
  return maskTokens(`${base}/${name}${queries.length > 0 ? `?${queries.join('&')}` : ''}`);
}

function redactQuery(query: string): string {
  return query
    .replace(/\/+$/, '')
    .split('&')
    .map((part) => (/^(t|token|ks)=/i.test(part) ? `${part.slice(0, part.indexOf('=') + 1)}<redacted>` : part))
    .join('&');
}
