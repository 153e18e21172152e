// Owns the station's addresses as people and encoders use them: the RTMP and HTTP URLs for a bind address
// (a wildcard bind shows the first LAN address to encoders and viewers, loopback to a user on this machine).
import os from 'node:os';

export interface StationUrls {
  rtmpUrl: string;
  httpUrl: string;
  viewerUrl: string;
}

/** The URLs of a station bound to `host`, with its HTTP and RTMP ports. */
export function stationUrls(host: string, httpPort: number, rtmpPort: number): StationUrls {
  return {
    rtmpUrl: `rtmp://${encoderHost(host)}:${rtmpPort}/kLive`,
    httpUrl: `http://${displayHost(host)}:${httpPort}/`,
    viewerUrl: viewerBaseUrl(host, httpPort),
  };
}

/** Where viewers reach this station's HTTP server: the bound address, or the first LAN address for 0.0.0.0 / ::. */
export function viewerBaseUrl(host: string, httpPort: number): string {
  return `http://${encoderHost(host)}:${httpPort}/`;
}

/** The UI address to print: with the access token when the station is reachable from the LAN. */
export function uiUrlForHumans(host: string, httpPort: number, accessToken: string): string {
  if (isLoopbackBind(host)) return `http://${displayHost(host)}:${httpPort}/`;
  return `http://${encoderHost(host)}:${httpPort}/?token=${accessToken}`;
}

function isLoopbackBind(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * The address an encoder or a LAN browser should use: for a wildcard bind (the station exposed to the LAN)
 * the machine's first LAN IPv4 address, so the Connect screen's URL works from another machine too.
 */
export function encoderHost(
  host: string,
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
): string {
  if (host !== '0.0.0.0' && host !== '::') return displayHost(host);
  for (const list of Object.values(interfaces)) {
    const lan = list?.find((i) => i.family === 'IPv4' && !i.internal);
    if (lan) return lan.address;
  }
  return '127.0.0.1';
}

/** The address a user on this machine types: loopback for wildcard binds. */
export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
