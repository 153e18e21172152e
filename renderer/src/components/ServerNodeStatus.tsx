// This station as a Kaltura server node (KalturaStatus.serverNode): registered with its heartbeat age, or why
// not and what to do. Shown in Settings and on the Connect screen, so a refusal is seen before an event.
import { useEffect, useState } from 'react';
import type { ServerNodeState } from '../../../shared/state.js';
import { useKaltura } from '../state/context.js';
import { ToneBadge } from './ToneBadge.js';
import { formatRelative } from '../lib/format.js';

export function serverNodeSummary(
  node: ServerNodeState,
  nowMs: number,
): { tone: 'good' | 'fair' | 'poor' | 'idle'; label: string; detail: string } {
  switch (node.status) {
    case 'registered':
      return {
        tone: 'good',
        label: 'Registered',
        detail:
          node.method === 'addEnable'
            ? `Kaltura knows this station as server node ${node.hostname} (node ${node.nodeId ?? '?'}; added and enabled, no heartbeat needed).`
            : `Kaltura knows this station as server node ${node.hostname} (node ${node.nodeId ?? '?'}); last heartbeat ${node.lastHeartbeatAtMs ? formatRelative(node.lastHeartbeatAtMs, nowMs) : 'not yet'}.`,
      };
    case 'refused':
      return {
        tone: 'poor',
        label: `Refused${node.code ? ` (${node.code})` : ''}`,
        detail: `${node.reason ?? 'Kaltura refused the server node.'} Until this is fixed, Kaltura refuses every stream sent to this station.`,
      };
    case 'retrying':
      return { tone: 'fair', label: 'Retrying', detail: node.reason ?? 'The registration failed; trying again.' };
    case 'registering':
      return { tone: 'fair', label: 'Registering', detail: `Registering ${node.hostname} with Kaltura…` };
    case 'offline':
      return { tone: 'idle', label: 'Offline', detail: `Server node ${node.hostname} is out of service.` };
    default:
      return { tone: 'idle', label: 'Not registered', detail: `Server node ${node.hostname} is not registered yet.` };
  }
}

export function ServerNodeStatus({ compact = false }: { compact?: boolean }) {
  const node = useKaltura((s) => s.status?.serverNode ?? null);
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNowMs(Date.now()), 5_000);
    return () => clearInterval(t);
  }, []);
  if (!node)
    return compact ? null : (
      <p className="muted" data-testid="server-node">
        Server node: Kaltura is not configured.
      </p>
    );
  const s = serverNodeSummary(node, nowMs);
  if (compact && node.status === 'registered') return null;
  return (
    <div className="server-node" data-testid="server-node" role={node.status === 'refused' ? 'alert' : undefined}>
      <span>Server node </span>
      <ToneBadge tone={s.tone} text={s.label} testId="server-node-status" />
      <p className={node.status === 'refused' ? 'text-poor' : 'muted'} data-testid="server-node-detail">
        {s.detail}
      </p>
    </div>
  );
}
