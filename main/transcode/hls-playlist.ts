// Owns reading the media playlists FFmpeg writes (one per variant): segments with #EXTINF durations,
// discontinuities, the media sequence and #EXT-X-ENDLIST. Pure; the meter and the session read files with it.

export interface MediaSegment {
  uri: string;
  durationSeconds: number;
  /** media sequence number of this segment */
  sequence: number;
  /** an #EXT-X-DISCONTINUITY precedes it */
  discontinuity: boolean;
}

export interface MediaPlaylist {
  targetDurationSeconds: number | null;
  mediaSequence: number;
  segments: MediaSegment[];
  ended: boolean;
  discontinuities: number;
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines[0] !== '#EXTM3U') throw new Error('not an HLS playlist (no #EXTM3U first line)');
  let targetDurationSeconds: number | null = null;
  let mediaSequence = 0;
  let pendingDuration: number | null = null;
  let pendingDiscontinuity = false;
  let discontinuities = 0;
  let ended = false;
  const segments: MediaSegment[] = [];
  for (const line of lines.slice(1)) {
    if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDurationSeconds = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) mediaSequence = Number(line.slice(22));
    else if (line.startsWith('#EXTINF:')) pendingDuration = Number.parseFloat(line.slice(8));
    else if (line === '#EXT-X-DISCONTINUITY') {
      pendingDiscontinuity = true;
      discontinuities++;
    } else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (!line.startsWith('#')) {
      segments.push({
        uri: line,
        durationSeconds: pendingDuration ?? 0,
        sequence: mediaSequence + segments.length,
        discontinuity: pendingDiscontinuity,
      });
      pendingDuration = null;
      pendingDiscontinuity = false;
    }
  }
  return { targetDurationSeconds, mediaSequence, segments, ended, discontinuities };
}

/** Segments kept in a playlist: DVR keeps dvrWindow minutes, otherwise a short live window. */
export function playlistSizeFor(
  segmentDurationSeconds: number,
  dvr: { enabled: boolean; windowMinutes: number | null },
  liveWindowSegments = 6,
): number {
  if (dvr.enabled && dvr.windowMinutes && dvr.windowMinutes > 0)
    return Math.max(liveWindowSegments, Math.ceil((dvr.windowMinutes * 60) / segmentDurationSeconds));
  return liveWindowSegments;
}

/** Kaltura's segmentDuration is ms (default 6000; allowed 1000-20000 for the media server); the station default is 2 s. */
export function segmentSecondsFor(segmentDurationMs: number | null, fallbackSeconds = 2): number {
  if (
    segmentDurationMs === null ||
    !Number.isFinite(segmentDurationMs) ||
    segmentDurationMs < 1000 ||
    segmentDurationMs > 20_000
  )
    return fallbackSeconds;
  return Math.round(segmentDurationMs / 100) / 10;
}
