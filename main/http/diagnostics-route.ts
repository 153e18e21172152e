// Owns GET /diagnostics/<what> in the JSON shape of Kaltura's media server (kaltura.md 6), with the
// X-Me header: entries (inputs and outputs per live entry), errors (last 100 refusals, tokens
// redacted), info (the station itself); anything else gets Wowza's "Got argument" error.
import os from 'node:os';
import type { IngestStream, Snapshot } from '../../shared/state.js';
import type { HttpRoute } from './server.js';
import { onlyGet, refuseOps, type OpsAccess } from './ops-access.js';

/** What /diagnostics/errors shows of one refused publish (the station's refusal records have it; token redacted). */
export interface DiagnosticsRefusal {
  atMs: number;
  connectionUrl: string;
  message: string;
  ip: string;
}

export interface DiagnosticsSources {
  snapshot: () => Snapshot;
  refusals: () => readonly DiagnosticsRefusal[];
  nowMs: () => number;
  /** the server-node hostname this station registers with (X-Me, hostName) */
  me: () => string;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const VALID = ['entries', 'errors', 'info'];

function kbps(bps: number | null | undefined): number {
  return bps ? Math.round(bps / 1000) : 0;
}

function onAir(s: IngestStream): boolean {
  return s.state === 'live' || s.state === 'playable';
}

function suffixOf(streamName: string, entryId: string): string {
  return streamName.startsWith(`${entryId}_`) ? streamName.slice(entryId.length + 1) : streamName;
}

/** "ENTRY_32" / "0_abc_32" -> "32" (the flavor / liveParams id), else the name itself. */
function flavorOf(streamName: string): string {
  return /_(\d+)$/.exec(streamName)?.[1] ?? streamName;
}

export function diagnosticsEntries(s: Snapshot, nowMs: number): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const e of s.entries) {
    const live = e.streams.filter(onAir);
    if (live.length === 0) continue;
    const inputs: Record<string, Json> = {};
    const outputs: Record<string, Json> = {};
    for (const st of live) {
      const p = st.probe;
      const declared: Record<string, Json> = { ...(p?.declared ?? {}) };
      inputs[suffixOf(st.streamName, e.entryId)] = {
        Encoder: {
          ...declared,
          videoCodec: p?.videoCodec ?? null,
          audioCodec: p?.audioCodec ?? null,
          videoBitrate: kbps(p?.videoBitrateBps),
          audioBitrate: kbps(p?.audioBitrateBps),
          frameRate: p?.frameRateFps ?? 0,
          width: p?.width ?? 0,
          height: p?.height ?? 0,
        },
        IOPerformance: { bitrate: kbps((p?.videoBitrateBps ?? 0) + (p?.audioBitrateBps ?? 0)) },
        Properties: {
          timeRunningSeconds: Math.max(0, Math.round((nowMs - st.connectedAtMs) / 1000)),
          // the token is never shown: rebuild the URL from what is safe to say
          ConectionUrl: `${s.info.rtmpUrl}/?p=${e.partnerId}&e=${e.entryId}&i=${st.mediaServerIndex}&t=<redacted>`,
          encoder: typeof declared.encoder === 'string' ? declared.encoder : '',
          IP: st.sourceAddress,
          Id: st.id,
          mediaServerIndex: st.mediaServerIndex,
          state: st.state,
        },
      };
      for (const r of st.renditions) {
        outputs[flavorOf(r.streamName)] = {
          Encoder: {
            videoCodec: r.videoCodec,
            audioCodec: r.audioCodec,
            videoBitrate: kbps(r.targetVideoBitrateBps),
            width: r.width ?? 0,
            height: r.height ?? 0,
            frameRate: st.transcoder?.frameRateFps ?? 0,
            name: r.name,
          },
          IOPerformance: { bitrate: kbps(r.measuredBitrateBps) },
          Properties: {
            segmentDurationSeconds: r.segmentDurationSeconds,
            passthrough: r.passthrough,
            playlistUrl: r.playlistUrl,
          },
        };
      }
    }
    out[e.entryId] = { currentTime: nowMs, inputs, outputs };
  }
  return out;
}

export function diagnosticsErrors(refusals: readonly DiagnosticsRefusal[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const r of refusals.slice(-100)) {
    let key = String(r.atMs);
    for (let n = 1; key in out; n++) key = `${r.atMs}.${n}`;
    out[key] = { ConnectionUrl: r.connectionUrl, message: r.message, IP: r.ip, Time: r.atMs };
  }
  return out;
}

export function diagnosticsInfo(s: Snapshot, nowMs: number, me: string): Record<string, Json> {
  const inputs = s.entries.reduce((n, e) => n + e.streams.filter(onAir).length, 0);
  const outputs = s.entries.reduce(
    (n, e) => n + e.streams.filter(onAir).reduce((m, st) => m + st.renditions.length, 0),
    0,
  );
  return {
    jarName: 'klive-station',
    version: s.info.version,
    dateStarted: new Date(s.info.startedAtMs).toISOString(),
    timeRunning: Math.max(0, Math.round((nowMs - s.info.startedAtMs) / 1000)),
    hostName: me,
    cpuUsage: s.system.cores > 0 ? Number((s.system.loadAverage1m / s.system.cores).toFixed(3)) : 0,
    inputStreamsCount: inputs,
    outputStreamsCount: outputs,
    entriesCount: s.entries.filter((e) => e.streams.some(onAir)).length,
  };
}

export function createDiagnosticsRoute(sources: DiagnosticsSources, access: OpsAccess): HttpRoute {
  return {
    prefix: '/diagnostics/',
    handle(req, res, url) {
      if (!onlyGet(req, res)) return;
      if (!access(req, url)) return refuseOps(res);
      const what = decodeURIComponent(url.pathname.slice('/diagnostics/'.length).replace(/\/$/, '')).slice(0, 100);
      const now = sources.nowMs();
      let body: Json;
      let status = 200;
      if (what === 'entries') body = diagnosticsEntries(sources.snapshot(), now);
      else if (what === 'errors') body = diagnosticsErrors(sources.refusals());
      else if (what === 'info') body = diagnosticsInfo(sources.snapshot(), now, sources.me());
      else {
        status = 404;
        body = { Error: `Got argument: ${what}, valid arguments: [${VALID.join(', ')}]` };
      }
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        'X-Me': sources.me() || os.hostname(),
      });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
    },
  };
}
