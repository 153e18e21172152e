import { describe, expect, it } from 'vitest';
import type os from 'node:os';
import { displayHost, encoderHost } from '../../../main/station/station.js';

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
