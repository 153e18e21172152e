// Owns one registration of the station's server node (kaltura-producer.md §1): serverNode.reportStatus, or
// list + add + enable where reportStatus is not permitted, and what each answer means: registered, refused
// (with the reason and the fix, from Kaltura's code) or worth another try (transport, KS).
import { KalturaApiError, KalturaTransportError } from '../core/kaltura-errors.js';
import {
  SERVER_NODE_STATUS,
  type ServerNodeApi,
  type ServerNodeInfo,
  type ServerNodeSpec,
} from './server-node-actions.js';

export const SERVER_NODE_FEATURE_MISSING =
  'this partner lacks the Server Node / Hybrid eCDN feature; ask your Kaltura account manager to enable it (Admin Console: "Enable Server-Node" and "Hybrid eCDN Architecture")';

export type RegisterOutcome =
  | { kind: 'ok'; node: ServerNodeInfo; method: 'reportStatus' | 'addEnable' }
  | { kind: 'refused'; code: string; reason: string }
  | { kind: 'retry'; reason: string };

/** Why a serverNode refusal happened and what to do, from Kaltura's code. */
export function describeServerNodeRefusal(error: KalturaApiError, hostName: string): string {
  switch (error.code) {
    case 'SERVICE_FORBIDDEN':
      return SERVER_NODE_FEATURE_MISSING;
    case 'SERVICE_DOES_NOT_EXISTS':
    case 'ACTION_DOES_NOT_EXISTS':
      return (
        'this Kaltura server has no serverNode service (a server older than the media-server nodes); ask its administrator to add this station as a Wowza media server node named ' +
        hostName
      );
    case 'HOST_NAME_ALREADY_EXISTS':
      return `Kaltura already has a server node named ${hostName} that this station cannot use (it is disabled, or belongs to another partner): enable it in the Admin Console, or give this station another hostname in Settings`;
    default:
      return `Kaltura refused to register server node ${hostName} (${error.code}: ${error.message}); check the partner's server-node settings with your Kaltura administrator`;
  }
}

/** One registration: reportStatus, else (not permitted or missing) list + add + enable, as liveDVR did. */
export async function registerServerNode(api: ServerNodeApi, spec: ServerNodeSpec): Promise<RegisterOutcome> {
  try {
    return { kind: 'ok', node: await api.reportStatus(spec), method: 'reportStatus' };
  } catch (error) {
    if (!(error instanceof KalturaApiError)) return transient(error);
    // reportStatus not permitted (or missing on an older server): list + add + enable, as liveDVR did
    if (error.code !== 'SERVICE_FORBIDDEN' && error.code !== 'ACTION_DOES_NOT_EXISTS')
      return refusedOrRetry(error, spec);
  }
  try {
    const existing = (await api.findByHostName(spec.hostName))[0];
    const node = existing ?? (await api.add(spec));
    const enabled = node.status === SERVER_NODE_STATUS.ACTIVE ? node : await api.enable(node.id);
    return { kind: 'ok', node: enabled, method: 'addEnable' };
  } catch (error) {
    if (!(error instanceof KalturaApiError)) return transient(error);
    return refusedOrRetry(error, spec);
  }
}

function refusedOrRetry(error: KalturaApiError, spec: ServerNodeSpec): RegisterOutcome {
  // a KS problem is the KS supervisor's to fix (it renews and reports); the node is tried again soon
  if (error.code === 'INVALID_KS' || error.code === 'MISSING_KS')
    return { kind: 'retry', reason: `Kaltura did not accept the station's KS (${error.code})` };
  return { kind: 'refused', code: error.code, reason: describeServerNodeRefusal(error, spec.hostName) };
}

function transient(error: unknown): RegisterOutcome {
  if (error instanceof KalturaTransportError) return { kind: 'retry', reason: error.message };
  return { kind: 'retry', reason: (error as Error).message };
}
