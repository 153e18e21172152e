// Which Kaltura a viewer of /watch/<entryId> plays through: the sandbox's entry, the account's partner (eCDN),
// or, as media-server partner -5, the partner learned when the entry published here; otherwise a problem that says why.
import { describe, expect, it } from 'vitest';
import { hlsRootDir, viewerKaltura } from '../../../main/station/viewer-routes.js';
import { DEFAULT_SETTINGS, type KalturaSettings } from '../../../shared/settings.js';
import type { SandboxHandle } from '../../../main/sandbox/index.js';

const saas = (over: Partial<KalturaSettings>): KalturaSettings => ({
  ...DEFAULT_SETTINGS.kaltura,
  mode: 'saas',
  serviceUrl: 'https://www.kaltura.com/api_v3/',
  ...over,
});

describe('viewerKaltura', () => {
  it('plays a sandbox entry as its partner through the station itself', () => {
    const sandbox = {
      store: { entry: (id: string) => (id === '0_abc' ? { partnerId: 102 } : undefined) },
    } as unknown as SandboxHandle;
    const sandboxMode = { ...DEFAULT_SETTINGS.kaltura, mode: 'sandbox' as const };
    expect(viewerKaltura('0_abc', sandboxMode, sandbox, new Map())).toEqual({ partnerId: 102, serviceUrl: null });
    expect(viewerKaltura('0_zzz', sandboxMode, sandbox, new Map())).toMatchObject({
      problem: expect.stringContaining("not in this station's sandbox"),
    });
  });

  it("uses the account's partner, or the partner learned from the entry's publish as -5", () => {
    expect(viewerKaltura('0_abc', saas({ partnerId: 555 }), null, new Map())).toEqual({
      partnerId: 555,
      serviceUrl: 'https://www.kaltura.com',
    });
    expect(viewerKaltura('0_abc', saas({ partnerId: -5 }), null, new Map([['0_abc', 102]]))).toEqual({
      partnerId: 102,
      serviceUrl: 'https://www.kaltura.com',
    });
    expect(viewerKaltura('0_abc', saas({ partnerId: -5 }), null, new Map())).toMatchObject({
      problem: expect.stringContaining('not known yet'),
    });
  });

  it('writes HLS under DATA/hls', () => {
    expect(hlsRootDir('/data')).toBe('/data/hls');
  });
});
