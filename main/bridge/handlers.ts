// Owns the answers to every bridge request (shared/bridge/contract.ts), for both transports. Each handler
// is small and delegates: live state to the registry, settings to the settings store, Kaltura to the
// runtime, sandbox entries to the sandbox store. Errors are thrown as BridgeRequestError with a message that
// says what to do; no secret ever appears in a response.
import { bridgeFailure } from './host.js';
import type { BridgeHandlers } from './server.js';
import type { BridgeBaseDeps, BridgeKaltura, BridgeSandbox } from './deps.js';
import { ADMIN_SECRET_NAME, type SecretStore } from '../config/secret-store.js';
import { buildPublishDetails, type UpdateSandboxPartnerRequest } from '../../shared/sandbox.js';
import type { PublicSettings, Settings } from '../../shared/settings.js';
import { createProducerHandlers, type ProducerDeps } from './producer-handlers.js';

export interface BridgeHandlerDeps extends BridgeBaseDeps {
  /** the station's Kaltura, with the built-in sandbox while it runs */
  kaltura: BridgeKaltura & { readonly sandbox: BridgeSandbox | null };
  /** the producer's own Kaltura session (sign-in, live entries) and the calls made with it */
  producer: ProducerDeps['producer'];
  calls: ProducerDeps['calls'];
}

function publicSettings(settings: Settings, secrets: SecretStore, startupOverrides: string[] = []): PublicSettings {
  return {
    ...settings,
    adminSecretStored: secrets.get(ADMIN_SECRET_NAME) !== null,
    ...(startupOverrides.length > 0 ? { startupOverrides } : {}),
  };
}

function describePartnerPatch(patch: Omit<UpdateSandboxPartnerRequest, 'partnerId'>): string {
  const parts = Object.entries(patch.features ?? {}).map(([name, on]) => `${name} ${on ? 'on' : 'off'}`);
  if (patch.maxLiveStreamInputs !== undefined) parts.push(`maxLiveStreamInputs ${patch.maxLiveStreamInputs}`);
  if (patch.maxLiveStreamOutputs !== undefined) parts.push(`maxLiveStreamOutputs ${patch.maxLiveStreamOutputs}`);
  return parts.join(', ') || 'nothing';
}

export function createBridgeHandlers(d: BridgeHandlerDeps): BridgeHandlers {
  const sandbox = (): BridgeSandbox => {
    const handle = d.kaltura.sandbox;
    if (!handle)
      throw bridgeFailure(
        'The built-in sandbox is not running: sandbox entries exist only in Sandbox mode (Settings → Kaltura mode).',
      );
    return handle;
  };
  const sandboxEntry = (entryId: string) => {
    const entry = sandbox().store.entry(entryId);
    if (!entry) throw bridgeFailure(`Sandbox entry ${entryId} does not exist: pick one from the list or create it.`);
    return entry;
  };
  const sandboxPublishDetails = (entryId: string) => {
    const handle = d.kaltura.sandbox;
    if (!handle) return null;
    const entry = sandboxEntry(entryId);
    const token = handle.store.entryToken(entryId);
    if (!token) throw bridgeFailure(`Sandbox entry ${entryId} has no stream token: regenerate it.`);
    return buildPublishDetails({ rtmpUrl: d.info().rtmpUrl, partnerId: entry.partnerId, entryId, token });
  };
  const producer = createProducerHandlers({ ...d, sandboxPublishDetails });
  return {
    ...producer.handlers,
    'station.getInfo': async () => d.info(),
    'state.getSnapshot': async () => d.registry.snapshot(),
    'settings.get': async () => publicSettings(d.settings.get(), d.secrets, d.startupOverrides),
    'settings.update': async (update) => {
      const previous = d.settings.get();
      const { adminSecret, ...rest } = update;
      const secretProvided = adminSecret !== undefined && adminSecret !== '';
      const secretFromStartup = d.startupOverrides?.includes('adminSecret') ?? false;
      const result = d.settings.update(rest, {
        adminSecretStored: secretFromStartup || d.secrets.get(ADMIN_SECRET_NAME) !== null,
        adminSecretProvided: secretProvided,
      });
      if (!result.ok) return result;
      let secretChanged = false;
      if (adminSecret !== undefined) {
        if (adminSecret === '') d.secrets.delete(ADMIN_SECRET_NAME);
        else {
          d.logger.redactor.addSecret(adminSecret);
          d.secrets.set(ADMIN_SECRET_NAME, adminSecret);
        }
        secretChanged = true;
      }
      d.events.add({
        severity: 'info',
        kind: 'settings',
        message: `Settings saved${secretChanged ? ' (admin secret updated)' : ''}`,
      });
      await d.applySettings(previous, result.settings, secretChanged);
      return { ok: true, settings: publicSettings(result.settings, d.secrets, d.startupOverrides) };
    },
    'media.listEncoders': async () => d.encoders(),
    'kaltura.testConnection': async () => d.kaltura.testConnection(),
    'kaltura.renewKs': async () => d.kaltura.renewKs(),
    'recording.retry': async ({ entryId }) => {
      const entries = d.retryRecordings(entryId);
      d.events.add({
        severity: 'info',
        kind: 'upload',
        ...(entryId ? { entryId } : {}),
        message:
          entries > 0
            ? `Retrying refused recording hand-overs (${entries} entr${entries === 1 ? 'y' : 'ies'})`
            : 'No refused recording hand-over to retry',
      });
      return { entries };
    },
    'events.list': async (filter) => d.events.list(filter),
    'sandbox.listEntries': async () => {
      const handle = d.kaltura.sandbox;
      return handle ? handle.store.entries().map((e) => handle.store.toSandboxEntry(e)) : [];
    },
    'sandbox.listLogins': async () => {
      const handle = d.kaltura.sandbox;
      return (handle?.logins() ?? []).map((l) => ({
        loginId: l.loginId,
        password: l.password,
        partnerIds: l.partnerIds,
        currentCode: l.otpSecret ? d.totpCode(l.otpSecret, Date.now()) : null,
      }));
    },
    'sandbox.listProfiles': async () => d.kaltura.sandbox?.store.listProfiles() ?? [],
    'sandbox.listPartners': async () => d.kaltura.sandbox?.store.listPartners() ?? [],
    'sandbox.updatePartner': async ({ partnerId, ...patch }) => {
      const { store } = sandbox();
      if (!store.partner(partnerId))
        throw bridgeFailure(`Sandbox partner ${partnerId} does not exist: pick one from the list.`);
      store.updatePartner(partnerId, patch);
      d.events.add({
        severity: 'info',
        kind: 'settings',
        message: `Sandbox partner ${partnerId} changed: ${describePartnerPatch(patch)}`,
      });
      // a switched feature may fix a refused server node or recording hand-over: try them again now
      d.partnerChanged?.();
      return store.toSandboxPartner(partnerId);
    },
    'sandbox.updateEntry': async (req) => {
      const { store } = sandbox();
      sandboxEntry(req.entryId);
      const entry = store.updateEntry(req.entryId, {
        ...(req.name !== undefined ? { name: req.name } : {}),
        ...(req.conversionProfileId !== undefined ? { conversionProfileId: req.conversionProfileId } : {}),
        ...(req.dvrEnabled !== undefined ? { dvr: req.dvrEnabled } : {}),
        ...(req.recordingEnabled !== undefined ? { record: req.recordingEnabled } : {}),
      });
      return store.toSandboxEntry(entry);
    },
    // a signed-in producer's entries come from their Kaltura; without a session, sandbox entries from the store
    'connect.getPublishDetails': async ({ entryId }) => producer.publishDetails(entryId),
  } satisfies BridgeHandlers;
}
