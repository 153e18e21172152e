// IngestServer construction: bad settings are refused with a message that names the fix.
import { describe, expect, it } from 'vitest';
import { IngestServer } from '../../../main/ingest/index.js';
import { silentLogger } from '../../../main/log/logger.js';

const base = {
  host: '127.0.0.1',
  port: 1935,
  dataDir: '/tmp',
  logger: silentLogger(),
  authenticate: () => Promise.reject(new Error('unused')),
};

describe('IngestServer settings', () => {
  it('refuses a port outside 0-65535', () => {
    expect(() => new IngestServer({ ...base, port: 70_000 })).toThrow(/--rtmp-port/);
    expect(() => new IngestServer({ ...base, port: 1.5 })).toThrow(/not a port number/);
  });
  it('refuses an empty host and negative options', () => {
    expect(() => new IngestServer({ ...base, host: ' ' })).toThrow(/host is empty/);
    expect(() => new IngestServer({ ...base, options: { deadPublisherAfterMs: -1 } })).toThrow(
      /deadPublisherAfterMs=-1/,
    );
  });
  it('builds pull URLs for primary and backup', () => {
    const s = new IngestServer(base);
    expect(s.pullUrl('0_rkij47dr_1')).toBe('rtmp://127.0.0.1:1935/kLive/0_rkij47dr_1');
    expect(s.pullUrl('0_rkij47dr_1', 1)).toBe('rtmp://127.0.0.1:1935/kLive/0_rkij47dr_1-b');
  });
});
