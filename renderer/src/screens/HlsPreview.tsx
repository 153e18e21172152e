// The HLS preview of a stream: hls.js (or native HLS) on the station's master playlist, a rendition
// switch, and the live latency read on the video's own timeupdate events (no polling).
import { useEffect, useId, useRef, useState } from 'react';
import type Hls from 'hls.js';
import { useSystem } from '../state/context.js';

export interface LevelOption {
  index: number;
  label: string;
}

/** Resolves the stream's masterPlaylistUrl against the station's HTTP origin. */
export function previewUrl(
  masterPlaylistUrl: string,
  pageOrigin: string | null,
  stationHttpUrl: string | null,
): string {
  const base = pageOrigin && /^https?:/.test(pageOrigin) ? pageOrigin : (stationHttpUrl ?? 'http://127.0.0.1/');
  return new URL(masterPlaylistUrl, base).toString();
}

export function HlsPreview({ masterPlaylistUrl }: { masterPlaylistUrl: string }) {
  const httpUrl = useSystem((s) => s.info?.httpUrl ?? null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const hlsRef = useRef<Hls | null>(null);
  const selectId = useId();
  const [levels, setLevels] = useState<LevelOption[]>([]);
  const [level, setLevel] = useState(-1);
  const [latencySeconds, setLatencySeconds] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const url = previewUrl(masterPlaylistUrl, typeof location === 'undefined' ? null : location.origin, httpUrl);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let disposed = false;
    setError(null);
    setLevels([]);
    setLevel(-1);
    void import('hls.js').then(({ default: HlsCtor }) => {
      if (disposed) return;
      if (HlsCtor.isSupported()) {
        const hls = new HlsCtor({ lowLatencyMode: false, liveSyncDurationCount: 3 });
        hlsRef.current = hls;
        hls.on(HlsCtor.Events.MANIFEST_PARSED, (_e, data) => {
          setLevels(
            data.levels.map((l, index) => ({
              index,
              label: `${l.height ? `${l.height}p` : (l.name ?? `Level ${index + 1}`)} · ${Math.round(l.bitrate / 1000)} kbps`,
            })),
          );
          void video.play().catch(() => undefined);
        });
        hls.on(HlsCtor.Events.ERROR, (_e, data) => {
          if (data.fatal)
            setError(
              `Preview stopped (${data.details}). The stream may have ended or FFmpeg is restarting; it retries when you reopen the entry.`,
            );
        });
        hls.loadSource(url);
        hls.attachMedia(video);
      } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
        video.src = url;
        void video.play().catch(() => undefined);
      } else {
        setError('This browser cannot play HLS. Open the playlist in VLC instead.');
      }
    });
    return () => {
      disposed = true;
      hlsRef.current?.destroy();
      hlsRef.current = null;
    };
  }, [url]);

  const onTimeUpdate = () => {
    const hls = hlsRef.current;
    const latency = hls ? hls.latency : null;
    if (latency !== null && Number.isFinite(latency)) setLatencySeconds(Math.round(latency * 10) / 10);
  };

  const onLevel = (value: number) => {
    setLevel(value);
    if (hlsRef.current) hlsRef.current.currentLevel = value;
  };

  return (
    <div className="preview">
      <video
        ref={videoRef}
        data-testid="preview-video"
        muted
        controls
        playsInline
        onTimeUpdate={onTimeUpdate}
        aria-label="HLS preview of this stream"
      />
      <div className="preview-bar">
        <label htmlFor={selectId}>Rendition</label>
        <select
          id={selectId}
          value={level}
          onChange={(e) => onLevel(Number(e.target.value))}
          data-testid="preview-rendition"
          disabled={levels.length === 0}
        >
          <option value={-1}>Auto</option>
          {levels.map((l) => (
            <option key={l.index} value={l.index}>
              {l.label}
            </option>
          ))}
        </select>
        <span className="muted" data-testid="preview-latency">
          Latency: {latencySeconds === null ? '—' : `${latencySeconds.toFixed(1)} s`}
        </span>
        <a href={url} target="_blank" rel="noreferrer" className="muted">
          Playlist URL
        </a>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
