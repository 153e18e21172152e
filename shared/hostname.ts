// Owns the rule for the station's server-node hostname (the name Kaltura knows this station by, sent to
// serverNode.reportStatus, liveStream.authenticate, registerMediaServer and unregisterMediaServer): a DNS
// name, so it is one word Kaltura's exact host-name match can find, in the UI, the flags and the settings.

export const MAX_HOSTNAME_LENGTH = 253;

/** Why `name` cannot be a server-node hostname, with the fix; null when it can. */
export function hostnameProblem(name: string): string | null {
  if (name.length === 0) return 'The hostname is empty: give a name such as studio-laptop-k3f9q2.example.com.';
  if (name !== name.trim()) return 'The hostname has spaces around it: remove them.';
  if (name.length > MAX_HOSTNAME_LENGTH)
    return `The hostname is ${name.length} characters long; Kaltura's host names are at most ${MAX_HOSTNAME_LENGTH}.`;
  if (!/^[A-Za-z0-9.-]+$/.test(name))
    return 'The hostname may contain only letters, digits, dots and dashes (it is the server-node name Kaltura sees).';
  const labels = name.split('.');
  if (labels.some((l) => l.length === 0))
    return 'The hostname has an empty part (a leading, trailing or double dot): write it like studio-laptop.example.com.';
  if (labels.some((l) => l.length > 63))
    return 'Each dot-separated part of the hostname is at most 63 characters long.';
  if (labels.some((l) => l.startsWith('-') || l.endsWith('-')))
    return 'A part of the hostname may not start or end with a dash.';
  return null;
}
