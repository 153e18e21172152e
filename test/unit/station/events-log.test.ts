import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventsLog } from '../../../main/station/events-log.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { Redactor } from '../../../main/log/redact.js';
import { tempDir } from '../../helpers/net.js';

describe('EventsLog', () => {
  it('keeps a bounded ring, filters by entry and minimum severity, newest last', () => {
    const log = new EventsLog({ clock: new ManualClock(), redactor: new Redactor(), capacity: 5 });
    for (let i = 0; i < 8; i++)
      log.add({
        severity: i % 3 === 0 ? 'error' : 'info',
        kind: 'connection',
        entryId: i % 2 === 0 ? 'a' : 'b',
        message: `m${i}`,
      });
    expect(log.list({ limit: 100 }).map((e) => e.message)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']);
    expect(log.list({ limit: 100, entryId: 'a' }).map((e) => e.message)).toEqual(['m4', 'm6']);
    expect(log.list({ limit: 100, severity: 'warning' }).map((e) => e.message)).toEqual(['m3', 'm6']);
    expect(log.list({ limit: 2 }).map((e) => e.id)).toEqual([7, 8]);
  });

  it('redacts tokens and secrets before keeping or writing a message', () => {
    const dir = tempDir();
    try {
      const redactor = new Redactor();
      redactor.addSecret('adminsecret123');
      const log = new EventsLog({ clock: new ManualClock(), redactor, logsDir: dir });
      const seen: string[] = [];
      log.subscribe((e) => seen.push(e.message));
      log.add({
        severity: 'warning',
        kind: 'refusal',
        entryId: '0_x',
        message: 'refused rtmp://h/kLive/?p=1&e=0_x&i=0&t=dj94kfit with adminsecret123',
      });
      log.close();
      const text = fs.readFileSync(path.join(dir, 'events.log'), 'utf8');
      for (const out of [text, seen[0] ?? '', log.list({ limit: 1 })[0]?.message ?? '']) {
        expect(out).not.toContain('dj94kfit');
        expect(out).not.toContain('adminsecret123');
      }
      const line = JSON.parse(text.trim()) as { kind: string; entryId: string; severity: string; time: string };
      expect(line).toMatchObject({ kind: 'refusal', entryId: '0_x', severity: 'warning' });
      expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rotates the file at its size limit', () => {
    const dir = tempDir();
    try {
      const log = new EventsLog({
        clock: new ManualClock(),
        redactor: new Redactor(),
        logsDir: dir,
        maxFileBytes: 1000,
        keepFiles: 2,
      });
      for (let i = 0; i < 60; i++)
        log.add({ severity: 'info', kind: 'station', message: `event number ${i} with some padding text` });
      log.close();
      const files = fs.readdirSync(dir).sort();
      expect(files).toEqual(['events.log', 'events.log.1', 'events.log.2']);
      expect(fs.statSync(path.join(dir, 'events.log.1')).size).toBeGreaterThanOrEqual(1000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
