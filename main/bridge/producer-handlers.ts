// Owns the bridge answers for a producer with a Kaltura account (or the sandbox, through the same calls):
// sign-in/out, partner switch and status, the partner's live entries with their live state (Kaltura's entry server nodes plus
// this station's own streams), create, update, delete, regenerate token, live profiles, the publish details of one entry,
// the admin secret for the media-server role (stored only on the user's explicit consent), and Send to OBS.
import { BridgeCallError } from './host.js';
import type { BridgeHandlers } from './server.js';
import type { StationRegistry } from '../station/registry.js';
import type { EventsLog } from '../station/events-log.js';
import type { KalturaRuntime } from '../station/kaltura-runtime.js';
import type { SettingsStore } from '../config/settings-store.js';
import { ADMIN_SECRET_NAME, type SecretStore } from '../config/secret-store.js';
import type { Logger } from '../log/logger.js';
import { describeProducerError, type ProducerSession, type ProducerTarget } from '../kaltura/producer-session.js';
import {
  conversionProfileListLive,
  entryServerNodesFor,
  liveStreamAdd,
  liveStreamDelete,
  liveStreamGetForProducer,
  liveStreamList,
  liveStreamRegenerateToken,
  liveStreamUpdate,
  type ProducerLiveEntry,
} from '../kaltura/producer-actions.js';
import { parseServeLadder } from '../kaltura/serve-ladder.js';
import type { EntryServerNode } from '../kaltura/types.js';
import type { ObsControl } from '../obs/obs-control.js';
import type { TopRung } from '../obs/obs-warnings.js';
import { buildPublishDetails, type PublishDetails } from '../../shared/sandbox.js';
import { kmcBaseUrl, kmcEntryUrl, type LiveState, type ProducerEntry } from '../../shared/producer.js';
import type { Settings } from '../../shared/settings.js';
import type { StationInfo } from '../../shared/station-info.js';

export interface ProducerHandlerDeps {
  info: () => StationInfo;
  registry: StationRegistry;
  events: EventsLog;
  settings: SettingsStore;
  secrets: SecretStore;
  kaltura: KalturaRuntime;
  logger: Logger;
  producer: ProducerSession;
  obs: ObsControl;
  /** a sandbox entry's publish details without a producer session (sandbox mode); null outside it */
  sandboxPublishDetails: (entryId: string) => PublishDetails | null;
  applySettings: (previous: Settings, next: Settings, secretChanged: boolean) => Promise<void>;
}

const NODE_STATUS: Record<number, string> = {
  [-1]: 'error',
  0: 'stopped',
  1: 'playable',
  2: 'broadcasting',
  3: 'authenticated',
  4: 'stopping',
};
const HERE_STATES = new Set(['authenticating', 'live', 'playable', 'reconnecting']);

/** Which Kaltura a producer signs in to: the running sandbox, or the configured service URL. */
export function producerTarget(settings: Settings, kaltura: KalturaRuntime): ProducerTarget {
  if (settings.kaltura.mode === 'sandbox') {
    const handle = kaltura.sandbox;
    if (!handle)
      throw new BridgeCallError(
        'failed',
        `The built-in sandbox is not running (${kaltura.configurationProblem ?? 'starting'}): see Settings → Kaltura.`,
      );
    return { serviceUrl: handle.serviceUrl, kmcUrl: null };
  }
  const url = settings.kaltura.serviceUrl.trim();
  if (url === '')
    throw new BridgeCallError(
      'failed',
      'No Kaltura service URL is set: enter it in Settings → Kaltura (e.g. https://www.kaltura.com).',
    );
  return { serviceUrl: url, kmcUrl: kmcBaseUrl(url) };
}

/** A live entry's state from Kaltura's server nodes and this station's own streams (pure). */
export function entryLiveState(
  entry: ProducerLiveEntry,
  nodes: readonly EntryServerNode[],
  hereIndexes: ReadonlySet<number>,
  profileNames: ReadonlyMap<number, string>,
  kmcUrl: string | null,
): ProducerEntry {
  const node = (serverType: number) => {
    const n = nodes.find((x) => x.entryId === entry.id && x.serverType === serverType);
    const here = hereIndexes.has(serverType);
    if (!n && !here) return null;
    return { status: n ? (NODE_STATUS[n.status] ?? String(n.status)) : 'authenticated', here };
  };
  const primary = node(0);
  const backup = node(1);
  const onAir = (s: { status: string } | null) =>
    s !== null && (s.status === 'playable' || s.status === 'broadcasting');
  let liveState: LiveState = 'offline';
  if (hereIndexes.size > 0) liveState = 'live-here';
  else if (onAir(primary) || onAir(backup)) liveState = 'live-elsewhere';
  else if (primary?.status === 'authenticated' || backup?.status === 'authenticated') liveState = 'starting';
  return {
    entryId: entry.id,
    partnerId: entry.partnerId,
    name: entry.name,
    conversionProfileId: entry.conversionProfileId,
    conversionProfileName:
      entry.conversionProfileId === null ? null : (profileNames.get(entry.conversionProfileId) ?? null),
    dvrEnabled: entry.dvrStatus === 1,
    recordingEnabled: entry.recordStatus !== 0,
    liveState,
    primary,
    backup,
    kmcUrl: kmcUrl ? kmcEntryUrl(kmcUrl, entry.id) : null,
  };
}

export function createProducerHandlers(d: ProducerHandlerDeps) {
  const target = (): ProducerTarget => producerTarget(d.settings.get(), d.kaltura);
  const adminSecretNeeded = (): boolean => d.settings.get().kaltura.mode === 'ecdn';
  const client = () => {
    try {
      return d.producer.client(target());
    } catch (error) {
      if (error instanceof BridgeCallError) throw error;
      throw new BridgeCallError('failed', (error as Error).message);
    }
  };
  const kaltura = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof BridgeCallError) throw error;
      throw new BridgeCallError('failed', d.logger.redactor.redact(`${what}: ${describeProducerError(error)}`));
    }
  };
  const hereIndexes = (entryId: string): Set<number> => {
    const state = d.registry.entry(entryId);
    return new Set((state?.streams ?? []).filter((s) => HERE_STATES.has(s.state)).map((s) => s.mediaServerIndex));
  };
  const decorate = async (entries: ProducerLiveEntry[]): Promise<ProducerEntry[]> => {
    const c = client();
    const [nodes, profiles] = await Promise.all([
      entryServerNodesFor(
        c,
        entries.map((e) => e.id),
      ).catch(() => []),
      conversionProfileListLive(c).catch(() => []),
    ]);
    const names = new Map(profiles.map((p) => [p.id, p.name]));
    const kmc = d.producer.target?.kmcUrl ?? null;
    return entries.map((e) => entryLiveState(e, nodes, hereIndexes(e.id), names, kmc));
  };

  /** Publish details for an entry of the signed-in partner: the token comes from Kaltura (admin KS) and stays in main. */
  const publishDetails = async (entryId: string): Promise<PublishDetails> => {
    if (!d.producer.status(false).signedIn) {
      const sandbox = d.sandboxPublishDetails(entryId);
      if (sandbox) return sandbox;
      throw new BridgeCallError(
        'failed',
        "Sign in to Kaltura first (Kaltura entries screen): the station then reads the entry's stream token for you.",
      );
    }
    const entry = await kaltura('Could not read the entry', () => liveStreamGetForProducer(client(), entryId));
    if (!entry.streamPassword) {
      throw new BridgeCallError(
        'failed',
        `Kaltura did not reveal the stream token of ${entryId} to this session: sign in as a KMC admin (or with the admin secret), or as the entry's owner.`,
      );
    }
    d.logger.redactor.addSecret(entry.streamPassword);
    return buildPublishDetails({
      rtmpUrl: d.info().rtmpUrl,
      partnerId: entry.partnerId,
      entryId,
      token: entry.streamPassword,
    });
  };

  /** The profile's top transcoded rung, for OBS warnings; null with a passthrough rung or when serve fails. */
  const topRung = async (partnerId: number, entryId: string): Promise<TopRung | null> => {
    try {
      const xml = await d.kaltura.api.serveConversionProfile({
        partnerId,
        streamName: `${entryId}_1`,
        extraParams: {},
      });
      const { ladder } = parseServeLadder(xml);
      if (ladder.renditions.some((r) => r.video?.codec === 'copy')) return null;
      const rungs = ladder.renditions.flatMap((r) => (r.video && r.video.codec === 'h264' ? [r.video] : []));
      const top = rungs.sort((a, b) => (b.bitrateBps ?? 0) - (a.bitrateBps ?? 0))[0];
      return top ? { width: top.width, height: top.height, videoBitrateBps: top.bitrateBps } : null;
    } catch {
      return null;
    }
  };

  return {
    publishDetails,
    handlers: {
      'producer.getStatus': async () => {
        // a session for the Kaltura the station no longer talks to (Settings changed) is over
        const current = d.producer.target;
        if (current) {
          let now: ProducerTarget | null = null;
          try {
            now = target();
          } catch {
            now = null;
          }
          if (!now || now.serviceUrl !== current.serviceUrl)
            d.producer.signOut('The station now talks to another Kaltura (Settings changed): sign in again.');
        }
        return d.producer.status(adminSecretNeeded());
      },
      'producer.signIn': async (req) => {
        try {
          const status = await d.producer.signIn(target(), req, adminSecretNeeded());
          d.events.add({
            severity: 'info',
            kind: 'settings',
            message: `Signed in to Kaltura partner ${status.partnerId ?? '?'}${status.userId ? ` as ${status.userId}` : ''}`,
          });
          return status;
        } catch (error) {
          if (error instanceof BridgeCallError) throw error;
          throw new BridgeCallError('failed', (error as Error).message);
        }
      },
      'producer.switchPartner': async ({ partnerId }) => {
        try {
          const status = await d.producer.switchPartner(target(), partnerId, adminSecretNeeded());
          d.events.add({
            severity: 'info',
            kind: 'settings',
            message: `Switched the Kaltura session to partner ${status.partnerId ?? '?'}`,
          });
          return status;
        } catch (error) {
          if (error instanceof BridgeCallError) throw error;
          throw new BridgeCallError('failed', (error as Error).message);
        }
      },
      'producer.signOut': async () => {
        d.producer.signOut(null);
        d.events.add({
          severity: 'info',
          kind: 'settings',
          message: 'Signed out of Kaltura: the station forgot the session',
        });
        return d.producer.status(adminSecretNeeded());
      },
      'producer.storeAdminSecret': async ({ consent }) => {
        if (!consent)
          throw new BridgeCallError(
            'failed',
            'The admin secret is stored only when you tick "Store it on this computer".',
          );
        if (!adminSecretNeeded()) {
          throw new BridgeCallError(
            'failed',
            `The station is in ${d.settings.get().kaltura.mode} mode, where it authenticates as Kaltura's media-server partner: the partner's own admin secret is only used in eCDN mode (Settings → Kaltura mode).`,
          );
        }
        const secret = d.producer.partnerAdminSecret();
        const partnerId = d.producer.partnerId;
        if (!secret || partnerId === null)
          throw new BridgeCallError(
            'failed',
            'Kaltura did not give this session the admin secret (it needs a KMC admin login): copy it from KMC → Settings → Integration Settings into Settings → Kaltura.',
          );
        const previous = d.settings.get();
        const result = d.settings.update(
          { kaltura: { partnerId } },
          { adminSecretStored: true, adminSecretProvided: true },
        );
        if (!result.ok)
          throw new BridgeCallError('failed', result.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
        d.secrets.set(ADMIN_SECRET_NAME, secret);
        d.producer.markAdminSecretStored(true);
        d.events.add({
          severity: 'info',
          kind: 'settings',
          message: `Admin secret of partner ${partnerId} stored for the media-server role (with the user's consent)`,
        });
        await d.applySettings(previous, result.settings, true);
        return d.producer.status(true);
      },
      'producer.listEntries': async (req) =>
        kaltura('Could not list the live entries', async () => {
          const page = await liveStreamList(client(), req);
          return {
            entries: await decorate(page.objects),
            totalCount: page.totalCount,
            pageIndex: req.pageIndex,
            pageSize: req.pageSize,
          };
        }),
      'producer.listProfiles': async () =>
        kaltura('Could not list the live conversion profiles', async () =>
          (await conversionProfileListLive(client())).map((p) => ({
            id: p.id,
            name: p.name,
            description: p.description,
            isDefault: p.isDefault,
          })),
        ),
      'producer.createEntry': async (req) =>
        kaltura('Kaltura did not create the entry', async () => {
          const created = await liveStreamAdd(client(), {
            name: req.name,
            dvr: req.dvrEnabled,
            recording: req.recordingEnabled,
            ...(req.conversionProfileId !== undefined ? { conversionProfileId: req.conversionProfileId } : {}),
          });
          d.events.add({
            severity: 'info',
            kind: 'settings',
            entryId: created.id,
            message: `Live entry "${created.name}" created in Kaltura`,
          });
          const [entry] = await decorate([created]);
          return entry as ProducerEntry;
        }),
      'producer.regenerateToken': async ({ entryId }) =>
        kaltura('Kaltura did not make a new token', async () => {
          const updated = await liveStreamRegenerateToken(client(), entryId);
          if (updated.streamPassword) d.logger.redactor.addSecret(updated.streamPassword);
          d.events.add({
            severity: 'info',
            kind: 'settings',
            entryId,
            message: 'Stream token regenerated in Kaltura: encoders using the old one will be refused',
          });
          const [entry] = await decorate([updated]);
          return entry as ProducerEntry;
        }),
      'producer.updateEntry': async ({ entryId, ...req }) =>
        kaltura('Kaltura did not change the entry', async () => {
          const updated = await liveStreamUpdate(client(), entryId, {
            ...(req.name !== undefined ? { name: req.name } : {}),
            ...(req.conversionProfileId !== undefined ? { conversionProfileId: req.conversionProfileId } : {}),
            ...(req.dvrEnabled !== undefined ? { dvr: req.dvrEnabled } : {}),
            ...(req.recordingEnabled !== undefined ? { recording: req.recordingEnabled } : {}),
          });
          d.events.add({
            severity: 'info',
            kind: 'settings',
            entryId,
            message: `Live entry "${updated.name}" changed in Kaltura`,
          });
          const [entry] = await decorate([updated]);
          return entry as ProducerEntry;
        }),
      'producer.deleteEntry': async ({ entryId }) =>
        kaltura('Kaltura did not delete the entry', async () => {
          await liveStreamDelete(client(), entryId);
          d.events.add({ severity: 'info', kind: 'settings', entryId, message: 'Live entry deleted in Kaltura' });
          return { entryId };
        }),
      'obs.send': async (req) => {
        const details = await publishDetails(req.entryId);
        const endpoint = req.mediaServerIndex === 1 ? details.backup : details.primary;
        return d.obs.send({
          address: req.address,
          password: req.password,
          server: endpoint.serverUrl,
          key: endpoint.streamKey,
          entryId: req.entryId,
          mediaServerIndex: req.mediaServerIndex,
          topRung: await topRung(details.partnerId, req.entryId),
        });
      },
      'obs.getStatus': async () => d.obs.status(),
      'obs.startStreaming': async () => d.obs.startStreaming(),
      'obs.stopStreaming': async () => d.obs.stopStreaming(),
      'obs.disconnect': async () => {
        await d.obs.disconnect();
        return d.obs.status();
      },
    } satisfies Partial<BridgeHandlers>,
  };
}
