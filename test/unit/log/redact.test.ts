import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../main/log/redact.js';
import { createLogger, memorySink } from '../../../main/log/logger.js';

const KS_V2 =
  'djJ8LTV8Lf13p-7QOU8L50iGUZNp27Aqr4lYs93cAUO6KJ6jctirUVvuCFRiEStjeGlcsqCKeVp2m3OuvHczDCAhf-DqhxgjRxUovoy7_4-XiAUfAX-46qqClQpS1FHjOn_I66s8OCslRKqtbMExBgEI6qNmeb9fRXzphoQ510V5miD7a8YxQLvmbHLRecNQlW10JQAR';
const KS_V1 =
  'OWM3ZmZjYWU3Y2Y3MWY2Yjg1MGFjY2Q2MzJlOGM5NzgwZDRhOGVkY3wxMjM0NTsxMjM0NTsxNzAwMDAwMDAwOzI7MTY5OTkxMzYwMC4xMjM0O2FkbWluO2Rpc2FibGVlbnRpdGxlbWVudDs7';

describe('Redactor', () => {
  const redactor = new Redactor();
  redactor.addSecret('abcdef0123456789abcdef0123456789');

  it('masks registered secrets, KS v1/v2 and token parameters', () => {
    const text = `secret abcdef0123456789abcdef0123456789 ks=${KS_V2} v1 ${KS_V1} url rtmp://h/kLive/?p=102&e=0_rkij47dr&i=0&t=dj94kfit /ks/${KS_V2}/x`;
    const out = redactor.redact(text);
    expect(out).not.toContain('abcdef0123456789abcdef0123456789');
    expect(out).not.toContain('djJ8');
    expect(out).not.toContain(KS_V1);
    expect(out).not.toContain('dj94kfit');
    expect(out).toContain('e=0_rkij47dr');
  });

  it('masks secret-named fields in objects and JSON text', () => {
    const value = redactor.redactValue({
      entryId: '0_rkij47dr',
      token: 'dj94kfit',
      nested: { ks: 'anything', adminSecret: 'x1234' },
    });
    expect(JSON.stringify(value)).not.toMatch(/dj94kfit|anything|x1234/);
    expect(redactor.redact('{"token":"dj94kfit","entryId":"0_rkij47dr"}')).toBe(
      '{"token":"<redacted>","entryId":"0_rkij47dr"}',
    );
  });

  it('leaves ordinary text alone', () => {
    expect(redactor.redact('entry 0_rkij47dr is live at 1280x720 30 fps')).toBe(
      'entry 0_rkij47dr is live at 1280x720 30 fps',
    );
  });
});

describe('logger', () => {
  it('never lets a secret reach a sink', () => {
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink], level: 'debug' });
    logger.redactor.addSecret('supersecretvalue123');
    logger
      .child('kaltura')
      .error('call failed for supersecretvalue123', { url: 'http://k/api?ks=' + KS_V2, token: 'dj94kfit' });
    const line = sink.lines.join('\n');
    expect(line).toContain('[station:kaltura] call failed for <redacted>');
    expect(line).not.toMatch(/supersecretvalue123|djJ8|dj94kfit/);
  });

  it('drops records below the level', () => {
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink], level: 'warn' });
    logger.info('quiet');
    logger.warn('loud');
    expect(sink.records.map((r) => r.message)).toEqual(['loud']);
  });
});
