// Owns the station's logger: leveled, scoped, one JSON-free line per record, every line redacted.
import { Redactor } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogRecord {
  timeMs: number;
  level: LogLevel;
  scope: string;
  message: string;
  fields?: Record<string, unknown>;
}

export interface LogSink {
  write(record: LogRecord, line: string): void;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
  readonly redactor: Redactor;
}

export interface LoggerOptions {
  level?: LogLevel;
  sinks: LogSink[];
  redactor?: Redactor;
  now?: () => number;
}

export function formatRecord(record: LogRecord): string {
  const time = new Date(record.timeMs).toISOString();
  const fields = record.fields && Object.keys(record.fields).length > 0 ? ' ' + formatFields(record.fields) : '';
  return `${time} ${record.level.toUpperCase().padEnd(5)} [${record.scope}] ${record.message}${fields}`;
}

function formatFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? (/[\s"]/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`)
    .join(' ');
}

export function createLogger(options: LoggerOptions, scope = 'station'): Logger {
  const redactor = options.redactor ?? new Redactor();
  const minRank = LEVEL_RANK[options.level ?? 'info'];
  const now = options.now ?? Date.now;
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (LEVEL_RANK[level] < minRank) return;
    const record: LogRecord = {
      timeMs: now(),
      level,
      scope,
      message: redactor.redact(message),
      ...(fields ? { fields: redactor.redactValue(fields) as Record<string, unknown> } : {}),
    };
    const line = formatRecord(record);
    for (const sink of options.sinks) {
      try {
        sink.write(record, line);
      } catch {
        // a failing sink (full disk) must never take the station down
      }
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (child) => createLogger({ ...options, redactor }, `${scope}:${child}`),
    redactor,
  };
}

/** Writes to stderr so that stdout stays free for the one start-up line and machine output. */
export function consoleSink(): LogSink {
  return { write: (_record, line) => process.stderr.write(line + '\n') };
}

/** Collects records in memory: for tests and for the events ring. */
export function memorySink(limit = 1000): LogSink & { records: LogRecord[]; lines: string[] } {
  const records: LogRecord[] = [];
  const lines: string[] = [];
  return {
    records,
    lines,
    write(record, line) {
      records.push(record);
      lines.push(line);
      if (records.length > limit) {
        records.shift();
        lines.shift();
      }
    },
  };
}

/** A logger that drops everything: for unit tests of modules that need one. */
export function silentLogger(): Logger {
  return createLogger({ sinks: [], level: 'error' });
}
