// Owns the typed api_v3 actions of a live stream's life (kaltura.md 3.7, 5): session, liveStream authenticate /
// (un)registerMediaServer / get / isLive, beacon.add, entryServerNode.list and serve; their parameter names, which
// are safe to retry on a transport failure, and their results. Recording's actions are recording-actions.ts;
// mode decisions live in service.ts.
import type { LiveStreamEntry, MediaServerIndex } from '../core/kaltura-api.js';
import type { KalturaClient } from './client.js';
import {
  parseBoolean,
  parseEntryServerNode,
  parseListResponse,
  parseLiveStreamEntry,
  parseSessionInfo,
  parseString,
  type EntryServerNode,
  type SessionInfo,
  type Impersonate,
} from './types.js';

export const LIVE_ENTRY_STATUS = { PLAYABLE: 1, BROADCASTING: 2 } as const;
/** BeaconObjectTypes.ENTRY_BEACON as the PHP client sends it */
export const ENTRY_BEACON = '4';

export function sessionStart(
  client: KalturaClient,
  args: {
    secret: string;
    partnerId: number;
    userId?: string;
    type?: 0 | 2;
    expirySeconds?: number;
    privileges?: string;
  },
): Promise<string> {
  // partnerId here is the action's argument, not impersonation; the secret travels only in the body
  return client
    .call(
      'session',
      'start',
      {
        secret: args.secret,
        userId: args.userId ?? '',
        type: args.type ?? 0,
        partnerId: args.partnerId,
        expiry: args.expirySeconds ?? 86_400,
        privileges: args.privileges ?? null,
      },
      { idempotent: true },
    )
    .then((raw) => parseString(raw, 'session.start'));
}

/** session.get; with `ks` it checks that KS (and never triggers a KS regeneration). */
export function sessionGet(client: KalturaClient, ks?: string): Promise<SessionInfo> {
  return client
    .call('session', 'get', {}, ks === undefined ? { idempotent: true } : { idempotent: true, ks })
    .then((raw) => parseSessionInfo(raw, 'session.get'));
}

export function liveStreamGet(
  client: KalturaClient,
  entryId: string,
  partnerId: Impersonate,
): Promise<LiveStreamEntry> {
  return client
    .call('livestream', 'get', { entryId }, { partnerId, idempotent: true })
    .then((raw) => parseLiveStreamEntry(raw, 'livestream.get'));
}

/** Never retried blindly: a repeated authenticate after a lost answer can hit LIVE_STREAM_ALREADY_BROADCASTING. */
export function liveStreamAuthenticate(
  client: KalturaClient,
  args: {
    entryId: string;
    token: string;
    hostname: string;
    mediaServerIndex: MediaServerIndex;
    applicationName?: string;
  },
  partnerId: Impersonate,
): Promise<LiveStreamEntry> {
  return client
    .call(
      'livestream',
      'authenticate',
      {
        entryId: args.entryId,
        token: args.token,
        hostname: args.hostname,
        mediaServerIndex: String(args.mediaServerIndex),
        applicationName: args.applicationName ?? null,
      },
      { partnerId, idempotent: false },
    )
    .then((raw) => parseLiveStreamEntry(raw, 'livestream.authenticate'));
}

/** An upsert of the (entry, index) node: safe to repeat. */
export function liveStreamRegisterMediaServer(
  client: KalturaClient,
  args: {
    entryId: string;
    hostname: string;
    mediaServerIndex: MediaServerIndex;
    applicationName?: string;
    liveEntryStatus: 1 | 2;
    shouldCreateRecordedEntry?: boolean;
  },
  partnerId: Impersonate,
): Promise<LiveStreamEntry> {
  return client
    .call(
      'livestream',
      'registerMediaServer',
      {
        entryId: args.entryId,
        hostname: args.hostname,
        mediaServerIndex: String(args.mediaServerIndex),
        applicationName: args.applicationName ?? 'kLive',
        liveEntryStatus: args.liveEntryStatus,
        shouldCreateRecordedEntry: args.shouldCreateRecordedEntry ?? null,
      },
      { partnerId, idempotent: true },
    )
    .then((raw) => parseLiveStreamEntry(raw, 'livestream.registermediaserver'));
}

export function liveStreamUnregisterMediaServer(
  client: KalturaClient,
  args: { entryId: string; hostname: string; mediaServerIndex: MediaServerIndex },
  partnerId: Impersonate,
): Promise<LiveStreamEntry | null> {
  return client
    .call(
      'livestream',
      'unregisterMediaServer',
      { entryId: args.entryId, hostname: args.hostname, mediaServerIndex: String(args.mediaServerIndex) },
      { partnerId, idempotent: true },
    )
    .then((raw) => (raw === null ? null : parseLiveStreamEntry(raw, 'livestream.unregistermediaserver')));
}

export function liveStreamIsLive(
  client: KalturaClient,
  entryId: string,
  partnerId: Impersonate,
  protocol: string | null = null,
): Promise<boolean> {
  return client
    .call('livestream', 'isLive', { id: entryId, protocol }, { partnerId, idempotent: true })
    .then((raw) => parseBoolean(raw, 'livestream.islive'));
}

export function beaconAdd(
  client: KalturaClient,
  args: { entryId: string; eventType: string; privateData: string; shouldLog?: boolean },
  partnerId: Impersonate,
): Promise<void> {
  const beacon = {
    objectType: 'KalturaBeacon',
    relatedObjectType: ENTRY_BEACON,
    eventType: args.eventType,
    objectId: args.entryId,
    privateData: args.privateData,
  };
  return client
    .call('beacon_beacon', 'add', { beacon, shouldLog: args.shouldLog ?? true }, { partnerId, idempotent: false })
    .then(() => undefined);
}

export function entryServerNodeList(
  client: KalturaClient,
  args: { entryId: string; serverTypeIn?: number[] },
  partnerId: Impersonate,
): Promise<{ objects: EntryServerNode[]; totalCount: number }> {
  const filter = {
    objectType: 'KalturaLiveEntryServerNodeFilter',
    entryIdEqual: args.entryId,
    serverTypeIn: args.serverTypeIn ? args.serverTypeIn.join(',') : null,
  };
  return client
    .call('entryservernode', 'list', { filter }, { partnerId, idempotent: true })
    .then((raw) => parseListResponse(raw, 'entryservernode.list', parseEntryServerNode));
}

/** wowza_liveConversionProfile.serve as Wowza fetched it: GET with path pairs, XML text back (kaltura.md 5.1). */
export function serveConversionProfile(
  client: KalturaClient,
  args: { streamName: string; extraParams?: Record<string, string> | null },
  partnerId: Impersonate,
): Promise<string> {
  const pairs: Array<[string, string]> = [];
  if (partnerId !== null) pairs.push(['partnerId', String(partnerId)]);
  pairs.push(['streamName', args.streamName], ['f', 'transcode.xml']);
  if (args.extraParams && Object.keys(args.extraParams).length > 0)
    pairs.push(['extraParams', JSON.stringify(args.extraParams)]);
  return client.getFile('wowza_liveConversionProfile', 'serve', pairs, { idempotent: true });
}
