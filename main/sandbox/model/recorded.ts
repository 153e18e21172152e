// Owns the recorded VOD entries (MEDIA_CLIP, sourceType KALTURA_RECORDED_LIVE 36) and their files in
// DATA/sandbox/recorded/<recordedEntryId>/: appendRecording segments are concatenated per live asset
// (<flavorParamsId>.ts, MPEG-TS concatenates), a setRecordedContent file becomes the flavor (first one wins).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EntryRecord, RecordedEntryRecord, SandboxState } from './types.js';

/** The recorded entry is replaced in APPENDED mode once older than a week or longer than recording_limit_length (1 day). */
export const APPENDED_MAX_AGE_SECONDS = 7 * 86400;
export const RECORDING_LIMIT_LENGTH_SECONDS = 86400;
/** live_session_reconnect_timeout: a PER_SESSION recording continues when the broadcast resumes within this. */
export const SESSION_RECONNECT_TIMEOUT_SECONDS = 180;

export interface RecordedFlavorRef {
  flavorParamsId: number | null;
  assetId: string | null;
}

export class RecordedEntryTable {
  constructor(
    private readonly state: () => SandboxState,
    private readonly save: () => void,
    private readonly nowSeconds: () => number,
    /** DATA/sandbox/recorded */
    readonly dir: string,
  ) {}

  all(): readonly RecordedEntryRecord[] {
    return this.state().recordedEntries;
  }

  get(id: string | null): RecordedEntryRecord | undefined {
    return id === null ? undefined : this.state().recordedEntries.find((r) => r.id === id);
  }

  /** A new recorded entry for the live entry; PER_SESSION names get the session number (" N"). */
  create(live: EntryRecord): RecordedEntryRecord {
    const state = this.state();
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let id: string;
    do id = '0_' + Array.from(crypto.randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
    while (
      state.entries.some((e) => e.id === id) ||
      state.recordedEntries.some((r) => r.id === id) ||
      state.liveAssets.some((a) => a.id === id)
    );
    const sessions = state.recordedEntries.filter((r) => r.rootEntryId === live.id).length;
    const name = live.recordStatus === 2 && sessions > 0 ? `${live.name} ${sessions + 1}` : live.name;
    const record: RecordedEntryRecord = {
      id,
      partnerId: live.partnerId,
      rootEntryId: live.id,
      name,
      createdAtSeconds: this.nowSeconds(),
      flavors: [],
    };
    state.recordedEntries.push(record);
    this.save();
    return record;
  }

  /** Whether registerMediaServer must start a new recorded entry (KalturaLiveEntryService::shouldCreateRecordedEntry). */
  needsNew(live: EntryRecord): boolean {
    const current = this.get(live.recordedEntryId);
    if (!current) return true;
    if (live.recordStatus === 2) {
      return (
        live.lastBroadcastEndTime + SESSION_RECONNECT_TIMEOUT_SECONDS < live.currentBroadcastStartTime &&
        current.createdAtSeconds < live.currentBroadcastStartTime
      );
    }
    const lengthSeconds = Math.max(0, ...current.flavors.map((f) => f.durationSeconds));
    return (
      current.createdAtSeconds < this.nowSeconds() - APPENDED_MAX_AGE_SECONDS ||
      lengthSeconds > RECORDING_LIMIT_LENGTH_SECONDS
    );
  }

  private fileFor(record: RecordedEntryRecord, ref: RecordedFlavorRef, ext: string): string {
    const name = ref.flavorParamsId === null ? 'source' : String(ref.flavorParamsId);
    return path.join(this.dir, record.id, `${name}${ext}`);
  }

  /** appendRecording: the segment's bytes go after the asset's earlier segments. */
  append(record: RecordedEntryRecord, ref: RecordedFlavorRef, source: string | null, durationSeconds: number): void {
    let flavor = record.flavors.find((f) => f.assetId === ref.assetId && f.flavorParamsId === ref.flavorParamsId);
    if (!flavor) {
      flavor = { ...ref, file: this.fileFor(record, ref, extOf(source, '.ts')), durationSeconds: 0, parts: 0 };
      record.flavors.push(flavor);
    }
    fs.mkdirSync(path.dirname(flavor.file), { recursive: true });
    if (readable(source)) fs.appendFileSync(flavor.file, fs.readFileSync(source));
    flavor.durationSeconds += durationSeconds;
    flavor.parts += 1;
    this.save();
  }

  /** setRecordedContent: the whole file becomes the flavor; a second file for a flavor that has one is ignored (no flavor: replaced, like media.updateContent). */
  setContent(
    record: RecordedEntryRecord,
    ref: RecordedFlavorRef,
    source: string | null,
    durationSeconds: number,
  ): boolean {
    const existing = record.flavors.find((f) => f.flavorParamsId === ref.flavorParamsId);
    if (existing && ref.flavorParamsId !== null) return false;
    const file = this.fileFor(record, ref, extOf(source, '.mp4'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (readable(source)) fs.copyFileSync(source, file);
    if (existing) Object.assign(existing, { file, durationSeconds, parts: 1 });
    else record.flavors.push({ ...ref, file, durationSeconds, parts: 1 });
    this.save();
    return true;
  }
}

function extOf(source: string | null, fallback: string): string {
  const ext = source ? path.extname(source) : '';
  return /^\.[a-z0-9]{1,5}$/i.test(ext) ? ext.toLowerCase() : fallback;
}

/** A resource's file exists and is a regular file (a KalturaServerFileResource path may name nothing here). */
function readable(source: string | null): source is string {
  try {
    return source !== null && fs.statSync(source).isFile();
  } catch {
    return false;
  }
}
