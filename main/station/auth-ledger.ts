// Owns what the station remembers about authentication outcomes: the last 100 refusals (for
// /diagnostics/errors, connection URLs redacted on the way in) and counts by result (for /metrics).
import type { Redactor } from '../log/redact.js';
import type { StreamRefusedInput } from './inputs.js';
import type { AuthCounts, RefusalRecord } from './registry-types.js';

export class AuthLedger {
  private readonly ring: RefusalRecord[] = [];
  readonly counts: AuthCounts = new Map();

  constructor(
    private readonly redactor: Redactor,
    private readonly keep = 100,
  ) {}

  accepted(): void {
    this.count('accepted');
  }

  refused(i: StreamRefusedInput): void {
    this.ring.push({
      atMs: i.atMs,
      connectionUrl: this.redactor.redact(i.connectionUrl),
      message: this.redactor.redact(i.reason),
      ip: i.sourceAddress,
      entryId: i.entryId,
      alertCode: i.alertCode,
      kalturaCode: i.kalturaCode,
    });
    if (this.ring.length > this.keep) this.ring.splice(0, this.ring.length - this.keep);
    this.count(i.kalturaCode ?? (i.alertCode !== null ? String(i.alertCode) : 'invalid_url'));
  }

  refusals(): readonly RefusalRecord[] {
    return this.ring;
  }

  private count(result: string): void {
    this.counts.set(result, (this.counts.get(result) ?? 0) + 1);
  }
}
