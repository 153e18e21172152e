// Owns the entry server nodes (liveStream.registerMediaServer's records, one per entry and server type): their
// expiry when not renewed (Kaltura's media_server_cache_expiry) and the upsert a registration makes.
import type { EntryRecord, NodeRecord, SandboxState } from './types.js';

/** A PLAYABLE/AUTHENTICATED registration that is not renewed within this is dropped (media_server_cache_expiry). */
export const NODE_EXPIRY_MS = 120_000;

/** Drops the registrations not renewed for NODE_EXPIRY_MS; returns whether any was dropped. */
export function dropExpiredNodes(state: SandboxState, nowMs: number): boolean {
  const cutoff = nowMs - NODE_EXPIRY_MS;
  const kept = state.nodes.filter((n) => n.renewedAtMs >= cutoff);
  if (kept.length === state.nodes.length) return false;
  state.nodes = kept;
  return true;
}

export interface NodeRegistration {
  entry: EntryRecord;
  serverType: number;
  hostname: string;
  applicationName: string | null;
  status: number;
  serverNodeId: number | null;
}

/** The (entry, serverType) node, added if missing, carrying the registration and renewed now. */
export function upsertEntryNode(
  state: SandboxState,
  r: NodeRegistration,
  at: { nowMs: number; nextId: () => number },
): NodeRecord {
  const nowS = Math.floor(at.nowMs / 1000);
  let node = state.nodes.find((n) => n.entryId === r.entry.id && n.serverType === r.serverType);
  if (!node) {
    node = {
      id: at.nextId(),
      entryId: r.entry.id,
      partnerId: r.entry.partnerId,
      serverType: r.serverType,
      hostname: r.hostname,
      applicationName: r.applicationName,
      status: r.status,
      createdAtSeconds: nowS,
      updatedAtSeconds: nowS,
      renewedAtMs: at.nowMs,
      serverNodeId: r.serverNodeId,
    };
    state.nodes.push(node);
  }
  Object.assign(node, {
    hostname: r.hostname,
    applicationName: r.applicationName ?? node.applicationName,
    status: r.status,
    updatedAtSeconds: nowS,
    renewedAtMs: at.nowMs,
    serverNodeId: r.serverNodeId,
  });
  return node;
}
