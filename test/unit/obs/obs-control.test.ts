// ObsControl with a stub obs-websocket link: what it sends to OBS, that it will not change the server while OBS
// streams, the output bitrate from OBS's byte counter, and that the OBS password never reaches the log.
import { describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '../../../main/log/logger.js';
import { ObsControl, type ObsLink } from '../../../main/obs/obs-control.js';

function stubObs() {
  const calls: { request: string; data?: Record<string, unknown> }[] = [];
  const state = {
    active: false,
    bytes: 0,
    service: { streamServiceType: 'rtmp_common', streamServiceSettings: {} as Record<string, unknown> },
  };
  const link: ObsLink = {
    async call(request, data) {
      calls.push({ request, ...(data ? { data } : {}) });
      switch (request) {
        case 'GetVersion':
          return { obsVersion: '29.0.2' };
        case 'GetStreamStatus':
          return {
            outputActive: state.active,
            outputReconnecting: false,
            outputBytes: state.bytes,
            outputDuration: 1000,
            outputSkippedFrames: 0,
            outputTotalFrames: 30,
          };
        case 'SetStreamServiceSettings':
          state.service = {
            streamServiceType: data?.streamServiceType as string,
            streamServiceSettings: data?.streamServiceSettings as Record<string, unknown>,
          };
          return {};
        case 'GetStreamServiceSettings':
          return state.service;
        case 'GetVideoSettings':
          return {
            fpsNumerator: 30,
            fpsDenominator: 1,
            baseWidth: 1280,
            baseHeight: 720,
            outputWidth: 1280,
            outputHeight: 720,
          };
        case 'GetProfileParameter':
          return {
            parameterValue:
              data?.parameterName === 'Mode' ? 'Simple' : data?.parameterName === 'VBitrate' ? '2500' : 'keyint=60',
          };
        case 'StartStream':
          state.active = true;
          return {};
        default:
          return {};
      }
    },
    disconnect: async () => undefined,
    onClose: () => undefined,
  };
  return { link, calls, state };
}

const server = 'rtmp://127.0.0.1:1935/kLive/?p=102&e=0_rkij47dr&i=0&t=dj94kfit';

describe('ObsControl', () => {
  it('sets rtmp_custom with the server and key, starts streaming, and measures the output bitrate', async () => {
    const obs = stubObs();
    let nowMs = 10_000;
    const sink = memorySink();
    const control = new ObsControl({
      logger: createLogger({ sinks: [sink], level: 'debug' }),
      connect: async () => obs.link,
      nowMs: () => nowMs,
    });
    const sent = await control.send({
      address: 'ws://127.0.0.1:4455',
      password: 'obs-pass-123',
      server,
      key: '0_rkij47dr_1',
      entryId: '0_rkij47dr',
      mediaServerIndex: 0,
      topRung: null,
    });
    expect(obs.calls.find((c) => c.request === 'SetStreamServiceSettings')?.data).toEqual({
      streamServiceType: 'rtmp_custom',
      streamServiceSettings: { server, key: '0_rkij47dr_1', use_auth: false },
    });
    expect(sent).toMatchObject({
      connected: true,
      obsVersion: '29.0.2',
      settingsApplied: true,
      streaming: false,
      warnings: [],
      problem: null,
    });
    expect(JSON.stringify(sent)).not.toContain('dj94kfit');

    await control.startStreaming();
    obs.state.bytes = 1_000_000;
    await control.status();
    nowMs += 2000;
    obs.state.bytes += 250_000;
    // 250 000 bytes in 2 s = 1000 kbps
    expect((await control.status()).outputBitrateKbps).toBe(1000);
    expect(sink.lines.join('\n')).not.toContain('obs-pass-123');
  });

  it('will not change the server and key while OBS streams', async () => {
    const obs = stubObs();
    obs.state.active = true;
    const control = new ObsControl({ logger: createLogger({ sinks: [] }), connect: async () => obs.link });
    const status = await control.send({
      address: 'ws://127.0.0.1:4455',
      password: '',
      server,
      key: '0_rkij47dr_1',
      entryId: '0_rkij47dr',
      mediaServerIndex: 0,
      topRung: null,
    });
    expect(status.problem).toContain('stop streaming in OBS');
    expect(obs.calls.some((c) => c.request === 'SetStreamServiceSettings')).toBe(false);
  });

  it("says how to enable OBS's WebSocket server when the connection is refused", async () => {
    const control = new ObsControl({
      logger: createLogger({ sinks: [] }),
      connect: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4455'), { code: 'ECONNREFUSED' });
      },
    });
    const status = await control.send({
      address: 'ws://127.0.0.1:4455',
      password: '',
      server,
      key: 'k',
      entryId: '0_rkij47dr',
      mediaServerIndex: 0,
      topRung: null,
    });
    expect(status).toMatchObject({
      connected: false,
      problem: expect.stringContaining('Tools → WebSocket Server Settings, tick "Enable WebSocket server"'),
    });
  });
});
