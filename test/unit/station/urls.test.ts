import { describe, expect, it } from 'vitest';
import type os from 'node:os';
import { displayHost, encoderHost, stationUrls, uiUrlForHumans } from '../../../main/station/urls.js';

const lo: os.NetworkInterfaceInfo = {
  address: '127.0.0.1',
  netmask: '255.0.0.0',
  family: 'IPv4',
  mac: '00:00:00:00:00:00',
  internal: true,
  cidr: '127.0.0.1/8',
};
const lan: os.NetworkInterfaceInfo = {
  address: '192.0.2.10',
  netmask: '255.255.255.0',
  family: 'IPv4',
  mac: '02:00:00:00:00:01',
  internal: false,
  cidr: '192.0.2.10/24',
};

describe('encoderHost', () => {
  it('gives LAN encoders the machine address when the station listens on every interface', () => {
    expect(encoderHost('0.0.0.0', { lo: [lo], eth0: [lan] })).toBe('192.0.2.10');
    expect(encoderHost('0.0.0.0', { lo: [lo] })).toBe('127.0.0.1');
  });

  it('keeps an explicit bind address', () => {
    expect(encoderHost('127.0.0.1', { eth0: [lan] })).toBe('127.0.0.1');
    expect(encoderHost('::1', { eth0: [lan] })).toBe('[::1]');
    expect(displayHost('0.0.0.0')).toBe('127.0.0.1');
  });
});

describe('stationUrls / uiUrlForHumans', () => {
  it('shows loopback to a user on this machine and the bound address to encoders', () => {
    expect(stationUrls('127.0.0.1', 18080, 1935)).toEqual({
      rtmpUrl: 'rtmp://127.0.0.1:1935/kLive',
      httpUrl: 'http://127.0.0.1:18080/',
      viewerUrl: 'http://127.0.0.1:18080/',
    });
    expect(stationUrls('::1', 18080, 1935).httpUrl).toBe('http://[::1]:18080/');
  });

  it('prints the UI address without the token on loopback, with it when the station is on the LAN', () => {
    expect(uiUrlForHumans('127.0.0.1', 18080, 'tok')).toBe('http://127.0.0.1:18080/');
    expect(uiUrlForHumans('localhost', 18080, 'tok')).toBe('http://localhost:18080/');
    expect(uiUrlForHumans('192.0.2.10', 18080, 'tok')).toBe('http://192.0.2.10:18080/?token=tok');
  });
});
