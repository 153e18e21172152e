// Owns partner.get / partner.getInfo / partner.listPartnersForUser and permission.getCurrentPermissions:
// what a producer's KS may learn about its account. adminSecret is answered only to an ADMIN KS with
// the `*` role, as Kaltura answers it only to INTEGRATION_BASE (kaltura-producer.md 3).
import { SandboxApiError } from '../errors.js';
import type { ActionContext, ServiceDef } from '../dispatch/types.js';
import { listResponse } from '../model/api-objects.js';
import { MEDIA_SERVER_PARTNER_ID, type PartnerFeatures } from '../model/types.js';
import type { ApiObject } from '../wire/serialize.js';
import { optInt } from '../wire/params.js';

/** The partner's features (switchable on the Sandbox screen) as Kaltura's permission names. */
export function partnerPermissionNames(features: PartnerFeatures): string[] {
  const names: string[] = [];
  if (features.liveStream) names.push('FEATURE_LIVE_STREAM');
  if (features.serverNode) names.push('FEATURE_SERVER_NODE');
  if (features.hybridEcdn) names.push('FEATURE_HYBRID_ECDN');
  if (features.kalturaRecording) names.push('FEATURE_LIVE_STREAM_KALTURA_RECORDING');
  if (features.liveStreamTranscode) names.push('FEATURE_KALTURA_LIVE_STREAM_TRANSCODE');
  return names;
}

function partnerObject(ctx: ActionContext, partnerId: number): ApiObject {
  const partner = ctx.store.partner(partnerId);
  if (!partner) throw new SandboxApiError('INVALID_PARTNER_ID', [partnerId]);
  const revealSecrets =
    ctx.session.isAdmin &&
    ctx.session.ksPartnerId === partnerId &&
    /(^|,)\*($|,)|^$/.test(ctx.session.privileges.trim());
  return {
    id: partner.id,
    name: partner.name,
    adminSecret: revealSecrets ? (ctx.store.adminSecret(partnerId) ?? null) : null,
    status: 1,
    partnerPackage: 1,
    objectType: 'KalturaPartner',
  };
}

function ownPartner(ctx: ActionContext, call: string): number {
  const partnerId = ctx.session.partnerId;
  if (partnerId === null || partnerId === MEDIA_SERVER_PARTNER_ID)
    throw new SandboxApiError('SERVICE_FORBIDDEN', [call]);
  return partnerId;
}

export const partnerService: ServiceDef = {
  get: {
    access: 'any',
    run(ctx) {
      const own = ownPartner(ctx, 'partner->get');
      const id = optInt(ctx.params, 'id') ?? own;
      if (id !== own) throw new SandboxApiError('INVALID_PARTNER_ID', [id]);
      return partnerObject(ctx, id);
    },
  },
  // deprecated alias of get() for the KS partner
  getinfo: {
    access: 'any',
    run: (ctx) => partnerObject(ctx, ownPartner(ctx, 'partner->getInfo')),
  },
  listpartnersforuser: {
    access: 'any',
    run(ctx) {
      ownPartner(ctx, 'partner->listPartnersForUser');
      const login = ctx.logins.find(ctx.session.userId);
      const ids = login ? login.partnerIds : [ctx.session.partnerId as number];
      const objects = ids.flatMap((id) => {
        const p = ctx.store.partner(id);
        return p ? [{ id: p.id, name: p.name, status: 1, objectType: 'KalturaPartner' } satisfies ApiObject] : [];
      });
      return listResponse(objects, 'KalturaPartnerListResponse');
    },
  },
};

export const permissionService: ServiceDef = {
  getcurrentpermissions: {
    access: 'any',
    run(ctx) {
      const partner = ctx.store.partner(ownPartner(ctx, 'permission->getCurrentPermissions'));
      return partner ? partnerPermissionNames(partner.features).join(',') : '';
    },
  },
};
