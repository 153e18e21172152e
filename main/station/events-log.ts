// Owns the station events log: what happened, for people (connections, refusals with reasons, FFmpeg
// restarts, KS renewals, registrations, API errors, uploads). A bounded ring in memory for the UI and
// a rotated JSON-lines file (DATA/logs/events.log). Every message is redacted before it is kept.
import path from 'node:path';
import { fileSink } from '../log/file-sink.js';
import type { Redactor } from '../log/redact.js';
import type { StationEvent } from '../../shared/state.js';
import type { Clock } from '../core/clock.js';

export type EventSeverity = StationEvent['severity'];
export type EventKind =
  | 'connection'
  | 'refusal'
  | 'ffmpeg'
  | 'ks'
  | 'registration'
  | 'server-node'
  | 'api'
  | 'upload'
  | 'alert'
  | 'settings'
  | 'station';

export interface NewEvent {
  severity: EventSeverity;
  kind: EventKind;
  entryId?: string | null;
  message: string;
}

export interface EventsFilter {
  entryId?: string;
  /** minimum severity: 'warning' lists warnings and errors */
  severity?: EventSeverity;
  limit: number;
}

export interface EventsLogOptions {
  clock: Clock;
  redactor: Redactor;
  /** events kept in memory */
  capacity?: number;
  /** the data dir's logs folder; null keeps events in memory only */
  logsDir?: string | null;
  maxFileBytes?: number;
  keepFiles?: number;
}

const RANK: Record<EventSeverity, number> = { info: 0, warning: 1, error: 2 };

export class EventsLog {
  private readonly ring: StationEvent[] = [];
  private readonly listeners = new Set<(event: StationEvent) => void>();
  private readonly capacity: number;
  private readonly file: ReturnType<typeof fileSink> | null;
  private nextId = 1;

  constructor(private readonly options: EventsLogOptions) {
    this.capacity = options.capacity ?? 500;
    this.file = options.logsDir
      ? fileSink({
          dir: options.logsDir,
          baseName: 'events.log',
          maxBytes: options.maxFileBytes ?? 2 * 1024 * 1024,
          keepFiles: options.keepFiles ?? 3,
        })
      : null;
  }

  get filePath(): string | null {
    return this.file ? path.resolve(this.file.filePath) : null;
  }

  add(input: NewEvent): StationEvent {
    const event: StationEvent = {
      id: this.nextId++,
      timeMs: this.options.clock.nowMs(),
      severity: input.severity,
      kind: input.kind,
      entryId: input.entryId ?? null,
      message: this.options.redactor.redact(input.message),
    };
    this.ring.push(event);
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
    if (this.file) {
      try {
        const line = JSON.stringify({ time: new Date(event.timeMs).toISOString(), ...event });
        this.file.write(
          {
            timeMs: event.timeMs,
            level: event.severity === 'warning' ? 'warn' : event.severity,
            scope: `events:${event.kind}`,
            message: event.message,
          },
          line,
        );
      } catch {
        // a full disk must not stop the station; the ring still has the event
      }
    }
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Newest last; at most `limit`, filtered by entry and minimum severity. */
  list(filter: EventsFilter): StationEvent[] {
    const min = filter.severity ? RANK[filter.severity] : 0;
    const matches = this.ring.filter(
      (e) => RANK[e.severity] >= min && (filter.entryId === undefined || e.entryId === filter.entryId),
    );
    return matches.slice(Math.max(0, matches.length - filter.limit));
  }

  subscribe(listener: (event: StationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.file?.close();
  }
}
