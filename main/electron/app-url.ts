// Owns the window's own origin: the renderer is served from klive://app/ (a privileged, standard,
// secure custom scheme), so the CSP's 'self' means only our files and the IPC sender check has one
// exact origin to compare against. Pure: no 'electron' import.
export const APP_SCHEME = 'klive';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** true for klive://app/... and nothing else (no look-alike hosts, no userinfo, no ports) */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === ''
  );
}

/** Links the user may open in their browser: plain http(s) only; never file:, javascript:, custom schemes. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === '' && parsed.password === ''
    );
  } catch {
    return false;
  }
}
