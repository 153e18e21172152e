// Owns the bridge answers for a producer with a Kaltura account (or the sandbox, through the same calls):
// sign-in/out, partner switch and status, the partner's live entries with their live state (entry-live-state.ts),
// create, update, delete, regenerate token, live profiles, the publish details of one entry, the admin secret for
// the media-server role (stored only on the user's explicit consent), and Send to OBS (obs-handlers.ts).
import { bridgeFailure } from './host.js';
import { BridgeRequestError } from '../../shared/bridge/errors.js';
import type { BridgeHandlers } from './server.js';
import type { BridgeBaseDeps, BridgeKaltura } from './deps.js';
import { entryLiveState, hereIndexes } from './entry-live-state.js';
import { createObsHandlers } from './obs-handlers.js';
import { ADMIN_SECRET_NAME } from '../config/secret-store.js';
import type { BridgeProducerSession, ProducerCalls, ProducerEntryFacts, ProducerTarget } from './producer-deps.js';
import { buildPublishDetails, type PublishDetails } from '../../shared/sandbox.js';
import { kmcBaseUrl, type ProducerEntry } from '../../shared/producer.js';
import type { Settings } from '../../shared/settings.js';

/** What the producer's answers need besides the common deps: the producer's session, and the sandbox's address. */
export interface ProducerDeps {
  producer: BridgeProducerSession;
  /** the Kaltura calls made with the producer's client */
  calls: ProducerCalls;
  kaltura: BridgeKaltura & { readonly sandbox: { readonly serviceUrl: string } | null };
}

export type ProducerHandlerDeps = Pick<
  BridgeBaseDeps,
  'info' | 'registry' | 'events' | 'settings' | 'secrets' | 'logger' | 'obs' | 'topRung' | 'applySettings'
> &
  ProducerDeps & {
    /** a sandbox entry's publish details without a producer session (sandbox mode); null outside it */
    sandboxPublishDetails: (entryId: string) => PublishDetails | null;
  };

/** Runs `fn`; anything but a BridgeRequestError becomes a failure with its own message. */
async function failing<T>(fn: () => Promise<T>, describe = (e: unknown) => (e as Error).message): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof BridgeRequestError) throw error;
    throw bridgeFailure(describe(error));
  }
}

/** Which Kaltura a producer signs in to: the running sandbox, or the configured service URL. */
function producerTarget(settings: Settings, kaltura: ProducerDeps['kaltura']): ProducerTarget {
  if (settings.kaltura.mode === 'sandbox') {
    const handle = kaltura.sandbox;
    if (!handle)
      throw bridgeFailure(
        `The built-in sandbox is not running (${kaltura.configurationProblem ?? 'starting'}): see Settings → Kaltura.`,
      );
    return { serviceUrl: handle.serviceUrl, kmcUrl: null };
  }
  const url = settings.kaltura.serviceUrl.trim();
  if (url === '')
    throw bridgeFailure(
      'No Kaltura service URL is set: enter it in Settings → Kaltura (e.g. https://www.kaltura.com).',
    );
  return { serviceUrl: url, kmcUrl: kmcBaseUrl(url) };
}

export function createProducerHandlers(d: ProducerHandlerDeps) {
  const target = (): ProducerTarget => producerTarget(d.settings.get(), d.kaltura);
  const adminSecretNeeded = (): boolean => d.settings.get().kaltura.mode === 'ecdn';
  const client = () => {
    try {
      return d.producer.client(target());
    } catch (error) {
      if (error instanceof BridgeRequestError) throw error;
      throw bridgeFailure((error as Error).message);
    }
  };
  const kaltura = async <T>(what: string, fn: () => Promise<T>): Promise<T> =>
    failing(fn, (error) => d.logger.redactor.redact(`${what}: ${d.calls.describeError(error)}`));
  const decorate = async (entries: ProducerEntryFacts[]): Promise<ProducerEntry[]> => {
    const c = client();
    const [nodes, profiles] = await Promise.all([
      d.calls
        .entryServerNodesFor(
          c,
          entries.map((e) => e.id),
        )
        .catch(() => []),
      d.calls.conversionProfileListLive(c).catch(() => []),
    ]);
    const names = new Map(profiles.map((p) => [p.id, p.name]));
    const kmc = d.producer.target?.kmcUrl ?? null;
    return entries.map((e) => entryLiveState(e, nodes, hereIndexes(d.registry.entry(e.id)), names, kmc));
  };

  /** Publish details for an entry of the signed-in partner: the token comes from Kaltura (admin KS) and stays in main. */
  const publishDetails = async (entryId: string): Promise<PublishDetails> => {
    if (!d.producer.status(false).signedIn) {
      const sandbox = d.sandboxPublishDetails(entryId);
      if (sandbox) return sandbox;
      throw bridgeFailure(
        "Sign in to Kaltura first (Kaltura entries screen): the station then reads the entry's stream token for you.",
      );
    }
    const entry = await kaltura('Could not read the entry', () => d.calls.liveStreamGetForProducer(client(), entryId));
    if (!entry.streamPassword) {
      throw bridgeFailure(
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
        const status = await failing(() => d.producer.signIn(target(), req, adminSecretNeeded()));
        d.events.add({
          severity: 'info',
          kind: 'settings',
          message: `Signed in to Kaltura partner ${status.partnerId ?? '?'}${status.userId ? ` as ${status.userId}` : ''}`,
        });
        return status;
      },
      'producer.switchPartner': async ({ partnerId }) => {
        const status = await failing(() => d.producer.switchPartner(target(), partnerId, adminSecretNeeded()));
        d.events.add({
          severity: 'info',
          kind: 'settings',
          message: `Switched the Kaltura session to partner ${status.partnerId ?? '?'}`,
        });
        return status;
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
        if (!consent) throw bridgeFailure('The admin secret is stored only when you tick "Store it on this computer".');
        if (!adminSecretNeeded()) {
          throw bridgeFailure(
            `The station is in ${d.settings.get().kaltura.mode} mode, where it authenticates as Kaltura's media-server partner: the partner's own admin secret is only used in eCDN mode (Settings → Kaltura mode).`,
          );
        }
        const secret = d.producer.partnerAdminSecret();
        const partnerId = d.producer.partnerId;
        if (!secret || partnerId === null)
          throw bridgeFailure(
            'Kaltura did not give this session the admin secret (it needs a KMC admin login): copy it from KMC → Settings → Integration Settings into Settings → Kaltura.',
          );
        const previous = d.settings.get();
        const result = d.settings.update(
          { kaltura: { partnerId } },
          { adminSecretStored: true, adminSecretProvided: true },
        );
        if (!result.ok) throw bridgeFailure(result.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
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
          const page = await d.calls.liveStreamList(client(), req);
          return {
            entries: await decorate(page.objects),
            totalCount: page.totalCount,
            pageIndex: req.pageIndex,
            pageSize: req.pageSize,
          };
        }),
      'producer.listProfiles': async () =>
        kaltura('Could not list the live conversion profiles', async () =>
          (await d.calls.conversionProfileListLive(client())).map((p) => ({
            id: p.id,
            name: p.name,
            description: p.description,
            isDefault: p.isDefault,
          })),
        ),
      'producer.createEntry': async (req) =>
        kaltura('Kaltura did not create the entry', async () => {
          const created = await d.calls.liveStreamAdd(client(), {
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
          const updated = await d.calls.liveStreamRegenerateToken(client(), entryId);
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
          const updated = await d.calls.liveStreamUpdate(client(), entryId, {
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
          await d.calls.liveStreamDelete(client(), entryId);
          d.events.add({ severity: 'info', kind: 'settings', entryId, message: 'Live entry deleted in Kaltura' });
          return { entryId };
        }),
      ...createObsHandlers({ obs: d.obs, publishDetails, topRung: d.topRung }),
    } satisfies Partial<BridgeHandlers>,
  };
}
