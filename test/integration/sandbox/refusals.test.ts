// Every refusal the sandbox models from Kaltura (kaltura-producer.md 0-2, kaltura.md 4), one row each, through
// Kaltura's official kaltura-client against a fresh sandbox: a rehearsal must fail where the event would,
// with Kaltura's code, message and arguments.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/log/logger.js';
import { PASSTHROUGH_PROFILE_ID, startSandbox, type SandboxHandle } from '../../../main/sandbox/index.js';
import { tempDir } from '../../helpers/net.js';
import { adminClient, call, make, mediaServerClient, type KClient, type KRequest } from './kaltura-client-helpers.js';

const ENTRY = '0_rkij47dr';
const TOKEN = 'dj94kfit';
const HOST = 'station-a.example';

interface Row {
  name: string;
  /** changes the fresh sandbox before the call */
  setup?: (s: SandboxHandle) => void | Promise<void>;
  /** which caller: the -5 media server (default), or the partner's own admin session (eCDN) */
  as?: 'mediaServer' | 'partnerAdmin';
  request: (s: SandboxHandle) => KRequest;
  code: string;
  message?: string;
  args?: Record<string, string>;
}

const wowza = (props: Record<string, unknown>): object =>
  make('WowzaMediaServerNode', { name: HOST, hostName: HOST, ...props });
const sourceAsset = (s: SandboxHandle, entryId = ENTRY): string =>
  s.store.liveAssets(entryId).find((a) => a.flavorParamsId === 32)?.id ?? 'missing';
const serverFile = (): object => make('ServerFileResource', { localFilePath: '/nonexistent/session.mp4' });
const registered = (s: SandboxHandle): void => void s.store.addMediaServerNode(HOST);

const ROWS: Row[] = [
  {
    name: 'serverNode.add without FEATURE_SERVER_NODE',
    setup: (s) => void s.store.updatePartner(102, { features: { serverNode: false } }),
    as: 'partnerAdmin',
    request: () => call('serverNode', 'add', wowza({})),
    code: 'SERVICE_FORBIDDEN',
    message: 'The access to service [servernode->add] is forbidden',
    args: { SERVICE: 'servernode->add' },
  },
  {
    name: 'serverNode.reportStatus without FEATURE_SERVER_NODE',
    setup: (s) => void s.store.updatePartner(102, { features: { serverNode: false } }),
    as: 'partnerAdmin',
    request: () => call('serverNode', 'reportStatus', HOST, wowza({}), 1),
    code: 'SERVICE_FORBIDDEN',
    args: { SERVICE: 'servernode->reportstatus' },
  },
  {
    name: 'serverNode.reportStatus for an unknown host without a node object',
    as: 'partnerAdmin',
    request: () => call('serverNode', 'reportStatus', HOST),
    code: 'SERVER_NODE_NOT_FOUND',
    message: `server node with host name [${HOST}] not found`,
    args: { HOST_NAME: HOST },
  },
  {
    name: 'serverNode.add with a host name the partner already has',
    setup: registered,
    as: 'partnerAdmin',
    request: () => call('serverNode', 'add', wowza({ name: 'another name' })),
    code: 'HOST_NAME_ALREADY_EXISTS',
    message: `Host Name [${HOST}] already exists`,
  },
  {
    name: 'serverNode.add with a system name the partner already has',
    setup: (s) => void s.store.serverNodes.update(s.store.addMediaServerNode('other.example'), { systemName: 'klive' }),
    as: 'partnerAdmin',
    request: () => call('serverNode', 'add', wowza({ systemName: 'klive' })),
    code: 'SYSTEM_NAME_ALREADY_EXISTS',
    args: { SYS_NAME: 'klive' },
  },
  {
    name: 'serverNode.add of the abstract KalturaServerNode',
    as: 'partnerAdmin',
    request: () => call('serverNode', 'add', make('ServerNode', { name: HOST, hostName: HOST })),
    code: 'OBJECT_TYPE_ABSTRACT',
  },
  {
    name: 'serverNode.add without a host name',
    as: 'partnerAdmin',
    request: () => call('serverNode', 'add', make('WowzaMediaServerNode', { name: HOST })),
    code: 'PROPERTY_VALIDATION_CANNOT_BE_NULL',
    args: { PROP_NAME: 'hostName' },
  },
  {
    name: 'serverNode.get of an unknown id',
    as: 'partnerAdmin',
    request: () => call('serverNode', 'get', 424242),
    code: 'SERVER_NODE_NOT_FOUND',
    message: 'server node with id [424242] not found',
    args: { SERVER_NODE_ID: '424242' },
  },
  {
    name: "serverNode.enable of another partner's node",
    setup: (s) => void s.store.addMediaServerNode('kaltura-wowza.example', -5),
    as: 'partnerAdmin',
    request: (s) => call('serverNode', 'enable', s.store.serverNodes.findActive('kaltura-wowza.example', -5, null)?.id),
    code: 'SERVER_NODE_NOT_FOUND',
  },
  {
    name: 'authenticate from a host that is no server node',
    request: () => call('liveStream', 'authenticate', ENTRY, TOKEN, HOST, 0),
    code: 'MEDIA_SERVER_NOT_FOUND',
    message: `Media server [${HOST}] not found`,
    args: { MEDIA_SERVER_ID: HOST },
  },
  {
    name: 'authenticate from a disabled node (add without enable)',
    setup: (s) =>
      void s.store.serverNodes.add({
        partnerId: 102,
        type: 'wowza.WOWZA_MEDIA_SERVER',
        objectType: 'KalturaWowzaMediaServerNode',
        name: HOST,
        hostName: HOST,
        systemName: null,
        description: null,
        tags: null,
        parentId: null,
        environment: null,
        fields: {},
      }),
    request: () => call('liveStream', 'authenticate', ENTRY, TOKEN, HOST, 0),
    code: 'MEDIA_SERVER_NOT_FOUND',
  },
  {
    name: 'authenticate from a deleted node',
    setup: (s) => void s.store.serverNodes.setStatus(s.store.addMediaServerNode(HOST), 3),
    request: () => call('liveStream', 'authenticate', ENTRY, TOKEN, HOST, 0),
    code: 'MEDIA_SERVER_NOT_FOUND',
  },
  {
    name: 'authenticate from a node that is not a media server (edge)',
    setup: (s) =>
      void s.store.serverNodes.setStatus(
        s.store.serverNodes.add({
          partnerId: 102,
          type: '1',
          objectType: 'KalturaEdgeServerNode',
          name: HOST,
          hostName: HOST,
          systemName: null,
          description: null,
          tags: null,
          parentId: null,
          environment: null,
          fields: {},
        }),
        1,
      ),
    request: () => call('liveStream', 'authenticate', ENTRY, TOKEN, HOST, 0),
    code: 'MEDIA_SERVER_NOT_FOUND',
  },
  {
    name: 'registerMediaServer from a host that is no server node',
    request: () => call('liveStream', 'registerMediaServer', ENTRY, HOST, 0, 'kLive', 1),
    code: 'MEDIA_SERVER_NOT_FOUND',
  },
  {
    name: "authenticate with the partner's own admin KS without Hybrid eCDN (MEDIA_SERVER_PARTNER_LEVEL)",
    setup: (s) => {
      registered(s);
      s.store.updatePartner(102, { features: { hybridEcdn: false } });
    },
    as: 'partnerAdmin',
    request: () => call('liveStream', 'authenticate', ENTRY, TOKEN, HOST, 0),
    code: 'SERVICE_FORBIDDEN',
    message: 'The access to service [livestream->authenticate] is forbidden',
  },
  {
    name: 'liveStream without FEATURE_LIVE_STREAM',
    setup: (s) => void s.store.updatePartner(102, { features: { liveStream: false } }),
    as: 'partnerAdmin',
    request: () => call('liveStream', 'get', ENTRY),
    code: 'SERVICE_FORBIDDEN',
    args: { SERVICE: 'livestream->get' },
  },
  {
    name: 'authenticate past maxLiveStreamInputs (passthrough profile)',
    setup: (s) => {
      registered(s);
      s.store.updateEntry(ENTRY, { conversionProfileId: PASSTHROUGH_PROFILE_ID });
      s.store.updatePartner(102, { maxLiveStreamInputs: 0 });
    },
    request: () => call('liveStream', 'authenticate', ENTRY, TOKEN, HOST, 0),
    code: 'LIVE_STREAM_EXCEEDED_MAX_PASSTHRU',
    message: `Partner exceeded max pass-through live streams in entry[${ENTRY}]`,
  },
  {
    name: 'authenticate past maxLiveStreamOutputs (transcoding profile, another entry connected)',
    setup: (s) => {
      registered(s);
      const other = s.store.createEntry({ name: 'Other stage', id: '0_otherent' });
      s.store.upsertNode(other, 0, HOST, 'kLive', 1, null);
      s.store.updatePartner(102, { maxLiveStreamOutputs: 1 });
    },
    request: () => call('liveStream', 'authenticate', ENTRY, TOKEN, HOST, 0),
    code: 'LIVE_STREAM_EXCEEDED_MAX_TRANSCODED',
    message: `Partner exceeded max concurrent transcoded live streams in entry[${ENTRY}]`,
  },
  {
    name: 'authenticate on a transcoding profile without FEATURE_KALTURA_LIVE_STREAM_TRANSCODE',
    setup: (s) => {
      registered(s);
      s.store.updatePartner(102, { features: { liveStreamTranscode: false } });
    },
    request: () => call('liveStream', 'authenticate', ENTRY, TOKEN, HOST, 0),
    code: 'LIVE_STREAM_EXCEEDED_MAX_TRANSCODED',
  },
  {
    name: 'authenticate while a registered node of another environment plays the index',
    setup: (s) => {
      registered(s);
      const eu = s.store.addMediaServerNode('station-eu.example');
      s.store.serverNodes.update(eu, { environment: 'eu' });
      s.store.upsertNode(s.store.entry(ENTRY)!, 0, 'station-eu.example', 'kLive', 1, eu.id);
    },
    request: () => call('liveStream', 'authenticate', ENTRY, TOKEN, HOST, 0),
    code: 'LIVE_STREAM_ALREADY_BROADCASTING',
    message: `Entry [${ENTRY}] already broadcasting to server [station-eu.example]`,
  },
  {
    name: 'unregisterMediaServer from a host that is no server node',
    request: () => call('liveStream', 'unregisterMediaServer', ENTRY, HOST, 0),
    code: 'SERVER_NODE_NOT_FOUND',
    args: { HOST_NAME: HOST },
  },
  {
    name: 'unregisterMediaServer of an index that is not registered',
    setup: registered,
    request: () => call('liveStream', 'unregisterMediaServer', ENTRY, HOST, 1),
    code: 'ENTRY_SERVER_NODE_NOT_FOUND',
    message: `Entry server node with entry id [${ENTRY}] and server type [1] not found`,
  },
  {
    name: 'appendRecording with the stream name as assetId',
    request: () => call('liveStream', 'appendRecording', ENTRY, `${ENTRY}_32`, 0, serverFile(), 10),
    code: 'ASSET_ID_NOT_FOUND',
    message: `Asset id "${ENTRY}_32" not found`,
  },
  {
    name: "appendRecording with another entry's live asset",
    setup: (s) => void s.store.createEntry({ name: 'Other stage', id: '0_otherent' }),
    request: (s) => call('liveStream', 'appendRecording', ENTRY, sourceAsset(s, '0_otherent'), 0, serverFile(), 10),
    code: 'ASSET_ID_NOT_FOUND',
  },
  {
    name: 'appendRecording when the partner has Kaltura recording',
    setup: (s) => void s.store.updatePartner(102, { features: { kalturaRecording: true } }),
    request: (s) => call('liveStream', 'appendRecording', ENTRY, sourceAsset(s), 0, serverFile(), 10),
    code: 'KALTURA_RECORDING_ENABLED',
    message:
      'Kaltura recording is enabled for partner [102] use liveStream->setRecordedContent to set the live recorded content',
    args: { PARTNER_ID: '102' },
  },
  {
    name: 'setRecordedContent when the partner has legacy recording',
    request: () => call('liveStream', 'setRecordedContent', ENTRY, 0, serverFile(), 60),
    code: 'KALTURA_RECORDING_DISABLED',
    message:
      'Kaltura recording is disabled for partner [102] use liveStream->appendRecording to set the live recorded content',
  },
  {
    name: "setRecordedContent onto another live entry's recorded entry",
    setup: (s) => {
      s.store.updatePartner(102, { features: { kalturaRecording: true } });
      const other = s.store.createEntry({ name: 'Other stage', id: '0_otherent', record: true });
      const recorded = s.store.recordedEntries.create(other);
      s.store.mutateEntry(other.id, (e) => (e.recordedEntryId = recorded.id));
    },
    request: (s) =>
      call(
        'liveStream',
        'setRecordedContent',
        ENTRY,
        0,
        serverFile(),
        60,
        s.store.entry('0_otherent')?.recordedEntryId,
      ),
    code: 'RECORDED_ENTRY_LIVE_MISMATCH',
  },
  {
    name: 'setRecordedContent with a flavorParamsId outside the entry',
    setup: (s) => void s.store.updatePartner(102, { features: { kalturaRecording: true } }),
    request: () => call('liveStream', 'setRecordedContent', ENTRY, 0, serverFile(), 60, null, 999),
    code: 'FLAVOR_PARAMS_ID_NOT_FOUND',
    message: 'Flavor params id "999" not found',
  },
];

const handles: SandboxHandle[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function fresh(): Promise<SandboxHandle> {
  const dataDir = tempDir('klive-sandbox-refusals-');
  dirs.push(dataDir);
  const handle = await startSandbox({ dataDir, rtmpBaseUrl: 'rtmp://127.0.0.1:1935/kLive', logger: silentLogger() });
  handles.push(handle);
  return handle;
}

describe('the sandbox refuses what Kaltura refuses (kaltura-client)', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const s = await fresh();
    await row.setup?.(s);
    const c: KClient = row.as === 'partnerAdmin' ? await adminClient(s) : mediaServerClient(s);
    const expected: Record<string, unknown> = { code: row.code, objectType: 'KalturaAPIException' };
    if (row.message) expected.message = row.message;
    if (row.args) expected.args = row.args;
    await expect(row.request(s).execute(c)).rejects.toMatchObject(expected);
  });
});
