// Test helper: a full BridgeHandlers map where every request not given fails loudly.
import type { BridgeHandlers } from '../../../main/bridge/server.js';
import { DEFAULT_SETTINGS, type PublicSettings } from '../../../shared/settings.js';

export function stubHandlers(over: Partial<BridgeHandlers>): BridgeHandlers {
  return new Proxy(over, {
    get(target, name: string) {
      return (
        (target as Record<string, unknown>)[name] ?? (async () => Promise.reject(new Error(`no stub for ${name}`)))
      );
    },
  }) as BridgeHandlers;
}

/** A tiny settings store: the shape a real handler pair (settings.get / settings.update) has. */
export function settingsHandlers(): Partial<BridgeHandlers> & { secret: () => string | null } {
  let settings = structuredClone(DEFAULT_SETTINGS);
  let secret: string | null = null;
  const pub = (): PublicSettings => ({ ...settings, adminSecretStored: secret !== null });
  return {
    secret: () => secret,
    'settings.get': async () => pub(),
    'settings.update': async (u) => {
      const next = { kaltura: { ...settings.kaltura, ...u.kaltura }, media: { ...settings.media, ...u.media } };
      if (next.kaltura.mode !== 'sandbox' && next.kaltura.serviceUrl === '') {
        return {
          ok: false as const,
          errors: [
            { path: 'kaltura.serviceUrl', message: 'give the Kaltura service URL, e.g. https://www.kaltura.com' },
          ],
        };
      }
      settings = next;
      if (u.adminSecret !== undefined) secret = u.adminSecret === '' ? null : u.adminSecret;
      return { ok: true as const, settings: pub() };
    },
  };
}
