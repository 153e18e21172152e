// Owns the small XML helpers of the serve-XML reader: typed access to fast-xml-parser output and the list of
// elements the station knows, so that everything else is reported once as ignored.

export type XmlValue = string | number | boolean | XmlNode | XmlValue[] | null | undefined;
export interface XmlNode {
  [key: string]: XmlValue;
}

/** Elements (by parent) that the station reads, or knowingly ignores (GPU hints, transcoder names). */
export const KNOWN_CHILDREN: Record<string, readonly string[]> = {
  Root: ['Transcode', 'Description'],
  Transcode: ['Encodes', 'Decode', 'StreamNameGroups', 'Properties', 'Description', 'Scale', 'PostProcess'],
  Encodes: ['Encode'],
  Encode: ['Enable', 'Name', 'StreamName', 'Video', 'Audio', 'Parameters', 'Description', 'Properties'],
  Video: [
    'Codec',
    'Profile',
    'Bitrate',
    'FrameSize',
    'KeyFrameInterval',
    'SkipFrameCount',
    'Transcoder',
    'GPUID',
    'Implementation',
    'Parameters',
    'Overlays',
  ],
  FrameSize: ['FitMode', 'Width', 'Height', 'Crop'],
  KeyFrameInterval: ['FollowSource', 'Interval'],
  SkipFrameCount: ['Value'],
  Audio: ['Codec', 'Bitrate', 'Parameters'],
  Parameters: ['Parameter'],
  Parameter: ['Name', 'Value', 'Type'],
  Decode: ['Video', 'Audio'],
  DecodeVideo: ['Deinterlace', 'Implementation', 'Parameters'],
  StreamNameGroups: ['StreamNameGroup'],
  StreamNameGroup: ['Name', 'StreamName', 'Members'],
  Members: ['Member'],
  Member: ['EncodeName'],
  Properties: ['Property'],
  Property: ['Name', 'Value', 'Type'],
};

/** Collects unknown element paths so the caller can warn ONCE with the whole list. */
export class UnknownElements {
  private readonly seen = new Set<string>();

  check(node: XmlNode, kind: string): void {
    const known = KNOWN_CHILDREN[kind] ?? [];
    for (const key of Object.keys(node)) {
      if (key === '#text') continue;
      if (!known.includes(key)) this.seen.add(`${kind === 'DecodeVideo' ? 'Decode/Video' : kind}/${key}`);
    }
  }

  list(): string[] {
    return [...this.seen].sort();
  }
}

export function asArray(value: XmlValue): XmlNode[] {
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value : [value];
  return items.filter((v): v is XmlNode => typeof v === 'object' && v !== null && !Array.isArray(v));
}

export function childNode(node: XmlNode | undefined, key: string): XmlNode | undefined {
  const value = node?.[key];
  if (Array.isArray(value)) return asArray(value)[0];
  return typeof value === 'object' && value !== null ? value : undefined;
}

/** The trimmed text of a leaf element, or null when absent/empty. */
export function text(value: XmlValue): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return text(value[0]);
  const inner = value['#text'];
  return inner === undefined ? null : text(inner);
}
