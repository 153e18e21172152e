// Owns which FFmpeg the station runs and what it can do: locating it (setting, bundled, PATH), reading its
// capabilities, the hardware encoders that pass a test encode, and the encoder a transcode gets (libx264 with
// a warning when the wanted one failed). The station puts `status` into its info and rebuilds recording on it.
import type { Logger } from '../log/logger.js';
import { locateFfmpeg } from '../transcode/ffmpeg-locate.js';
import type { FfmpegCapabilities } from '../transcode/ffmpeg-capabilities.js';
import { readFfmpegCapabilities, withSupport } from '../transcode/ffmpeg-probe.js';
import { chooseEncoder, detectHardwareEncoders, type EncoderDetection } from '../transcode/encoders.js';
import type { EncoderAvailability, VideoEncoder } from '../../shared/settings.js';
import type { FfmpegInfo } from '../../shared/station-info.js';
import type { NewEvent } from './events-log.js';

export interface FfmpegInUseDeps {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  /** settings.media.ffmpegPath ('' = find one) */
  settingPath: () => string;
  /** the events log, for what the producer must know (a warning about the FFmpeg, a fallback encoder) */
  addEvent: (event: NewEvent) => void;
}

export class FfmpegInUse {
  /** what the station info shows; 'missing' until detect() */
  status: FfmpegInfo = { status: 'missing', path: null, source: null, version: null, message: 'not detected yet' };
  /** what the FFmpeg in use can do (null: unknown, the modern argv is used) */
  capabilities: FfmpegCapabilities | null = null;
  private encoders: EncoderDetection | null = null;

  constructor(private readonly d: FfmpegInUseDeps) {}

  /** Locates the FFmpeg and reads what it can do; logs the outcome and puts a warning in the events log. */
  async detect(): Promise<FfmpegInfo> {
    const { logger, env } = this.d;
    const located = await locateFfmpeg({ settingPath: this.d.settingPath(), env });
    this.capabilities = located.path
      ? await readFfmpegCapabilities(located.path).catch((e: unknown) => {
          logger.warn('could not read what the FFmpeg can do; using the modern argv', { error: (e as Error).message });
          return null;
        })
      : null;
    const ffmpeg = withSupport(located, this.capabilities);
    if (ffmpeg.status === 'ok')
      logger.info('using FFmpeg', {
        path: ffmpeg.path,
        source: ffmpeg.source,
        version: ffmpeg.version,
        release: ffmpeg.release ?? null,
      });
    else logger.warn(ffmpeg.message ?? 'FFmpeg unavailable');
    if (ffmpeg.warning) {
      logger.warn(ffmpeg.warning);
      this.d.addEvent({ severity: 'warning', kind: 'ffmpeg', message: ffmpeg.warning });
    }
    this.status = ffmpeg;
    return ffmpeg;
  }

  /** Test-encodes with each hardware encoder (about a second each); a failure is logged, never thrown. */
  async detectEncoders(): Promise<void> {
    if (!this.status.path) return;
    try {
      this.encoders = await detectHardwareEncoders({ ffmpegPath: this.status.path });
      if (this.encoders.working.length > 0)
        this.d.logger.info('hardware encoders available', { encoders: this.encoders.working });
    } catch (e) {
      this.d.logger.warn('hardware encoder detection failed', { error: (e as Error).message });
    }
  }

  /** Which encoders the Settings screen may offer. */
  availability(): EncoderAvailability {
    if (!this.status.path) return { state: 'no-ffmpeg', working: [], failures: {} };
    if (!this.encoders) return { state: 'detecting', working: ['libx264'], failures: {} };
    return {
      state: 'done',
      working: ['libx264', ...this.encoders.working.filter((e) => e !== 'libx264')],
      failures: this.encoders.failures as Record<string, string>,
    };
  }

  /** The encoder for a new transcode: the wanted one if it passed its test, else libx264 and a warning event. */
  chooseEncoder(wanted: VideoEncoder): VideoEncoder {
    const choice = chooseEncoder(wanted, this.encoders);
    if (choice.alert) this.d.addEvent({ severity: 'warning', kind: 'ffmpeg', message: choice.alert });
    return choice.encoder;
  }
}
