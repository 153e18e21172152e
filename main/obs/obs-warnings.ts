// Owns the pure judgement of OBS's output settings against the entry's ladder: keyframe interval (0/auto or
// above 2 s makes segments long and late), and resolution or bitrate above the profile's top rung (upload
// spent on quality no viewer receives). Inputs are what obs-websocket reports; output is words.

export interface ObsOutputSettings {
  /** Output/Mode: Simple or Advanced */
  outputMode: string | null;
  /** SimpleOutput/VBitrate, kbps (Simple mode) */
  simpleVideoBitrateKbps: number | null;
  /** SimpleOutput/x264Settings, e.g. "keyint=60" */
  simpleX264Settings: string | null;
  outputWidth: number | null;
  outputHeight: number | null;
  fps: number | null;
}

export interface TopRung {
  width: number | null;
  height: number | null;
  videoBitrateBps: number | null;
}

export const MAX_KEYFRAME_INTERVAL_SECONDS = 2;

/** keyint=N from an x264 option string (keyint=60 or keyint=60:min-keyint=30 or space separated). */
export function parseKeyint(x264Settings: string | null): number | null {
  if (!x264Settings) return null;
  const match = /(?:^|[\s:])keyint=(\d+)/.exec(x264Settings);
  return match ? Number(match[1]) : null;
}

export function obsLadderWarnings(s: ObsOutputSettings, top: TopRung | null): string[] {
  const warnings: string[] = [];
  if (s.outputMode === 'Advanced') {
    warnings.push(
      `OBS is in Advanced output mode, whose keyframe interval the station cannot read: check Settings → Output → Streaming → Keyframe Interval is 1 or 2 s (not 0 = auto).`,
    );
  } else {
    const keyint = parseKeyint(s.simpleX264Settings);
    if (keyint === null || keyint === 0) {
      warnings.push(
        'OBS sends a keyframe only every ~8 s (keyframe interval auto): set Settings → Output → Output Mode Advanced → Keyframe Interval 2 s, or in Simple mode x264 options "keyint=' +
          String(Math.round((s.fps ?? 30) * 2)) +
          '".',
      );
    } else if (s.fps && keyint / s.fps > MAX_KEYFRAME_INTERVAL_SECONDS) {
      warnings.push(
        `OBS's keyframe interval is ${(keyint / s.fps).toFixed(1)} s (keyint=${keyint} at ${s.fps} fps): set it to 2 s or less so segments stay short.`,
      );
    }
  }
  if (top) {
    if (top.height !== null && s.outputHeight !== null && s.outputHeight > top.height) {
      warnings.push(
        `OBS sends ${s.outputWidth ?? '?'}x${s.outputHeight}, above the profile's top rung (${top.width ?? '?'}x${top.height}): set Settings → Video → Output (Scaled) Resolution to ${top.width ?? '?'}x${top.height} to save upload.`,
      );
    }
    const simpleKbps = s.outputMode === 'Advanced' ? null : s.simpleVideoBitrateKbps;
    if (top.videoBitrateBps !== null && simpleKbps !== null && simpleKbps * 1000 > top.videoBitrateBps) {
      warnings.push(
        `OBS's video bitrate ${simpleKbps} kbps is above the profile's top rung (${Math.round(top.videoBitrateBps / 1000)} kbps): lower Settings → Output → Video Bitrate to that.`,
      );
    }
  }
  return warnings;
}
