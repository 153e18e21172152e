// Owns what a reader that joins a live stream late starts with: the FLV header (with the streams it carries), the
// metadata, the codec sequence headers and the current GOP, so a restarted FFmpeg starts decoding on a key frame at
// once. A GOP too large to be of use is dropped, and such a reader waits for the next key frame instead.
import { AUDIO_CODEC_KEY, flvHeader, TAG_AUDIO, TAG_VIDEO, VIDEO_CODEC_KEY, type TagKind } from './flv-tags.js';

export class GopCache {
  private metadata: Buffer | null = null;
  private audioHeader: Buffer | null = null;
  private videoHeader: Buffer | null = null;
  private gop: Buffer[] = [];
  private gopBytes = 0;
  /** false until a key frame started a GOP that fits: late readers then wait for the next one */
  private gopValid = false;
  private audioSeen = false;
  private videoSeen = false;

  constructor(private readonly maxGopBytes: number) {}

  /** the stream has carried video: media of a reader without a GOP to start from starts at a key frame */
  get hasVideo(): boolean {
    return this.videoSeen;
  }

  /** One tag of the publisher (`tag` is the whole FLV tag, kept as it is: the caller never reuses it). */
  remember(kind: TagKind, type: number, tag: Buffer): void {
    if (type === TAG_AUDIO) this.audioSeen = true;
    if (type === TAG_VIDEO) this.videoSeen = true;
    switch (kind) {
      case 'metadata':
        this.metadata = tag;
        return;
      case 'audio-header':
        this.audioHeader = tag;
        return;
      case 'video-header':
        this.videoHeader = tag;
        return;
      case 'video-key':
        this.gop = [tag];
        this.gopBytes = tag.length;
        this.gopValid = tag.length <= this.maxGopBytes;
        return;
      default:
        if (!this.gopValid) return;
        this.gop.push(tag);
        this.gopBytes += tag.length;
        if (this.gopBytes > this.maxGopBytes) {
          // a GOP this long is no use to a late reader: it waits for the next key frame
          this.gop = [];
          this.gopBytes = 0;
          this.gopValid = false;
        }
    }
  }

  /** What a joining reader is written first; `fromGop` false when it has no GOP to start from (it then waits). */
  start(): { bytes: Buffer; fromGop: boolean } {
    const start: Buffer[] = [flvHeader(this.declaredStreams())];
    if (this.metadata) start.push(this.metadata);
    if (this.audioHeader) start.push(this.audioHeader);
    if (this.videoHeader) start.push(this.videoHeader);
    if (this.gopValid) start.push(...this.gop);
    return { bytes: Buffer.concat(start), fromGop: this.gopValid };
  }

  /** The stream ended: the GOP is of no more use. */
  dropGop(): void {
    this.gop = [];
    this.gopBytes = 0;
  }

  /**
   * The FLV header's audio/video flags, as FFmpeg's own RTMP client sets them: from onMetaData's codec ids when
   * there was metadata, else from the tags seen so far; none when nothing is known yet (FFmpeg then finds the
   * streams while probing). A flagged stream lets FFmpeg stop probing as soon as it has seen it.
   */
  private declaredStreams(): { audio: boolean; video: boolean } {
    if (this.metadata)
      return { audio: this.metadata.includes(AUDIO_CODEC_KEY), video: this.metadata.includes(VIDEO_CODEC_KEY) };
    return { audio: this.audioSeen, video: this.videoSeen };
  }
}
