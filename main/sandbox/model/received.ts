// Owns what the station sent to the sandbox, kept in state.json: upload tokens (and their bytes' status),
// appended or set recordings, and beacons (the newest 500 only).
import { SandboxApiError } from '../errors.js';
import type { BeaconRecord, RecordingRecord, SandboxState, UploadTokenRecord } from './types.js';

// beacons arrive every few seconds per stream; the whole state file is rewritten on each, so keep it small
const MAX_BEACONS = 500;

export class ReceivedTable {
  constructor(
    private readonly state: () => SandboxState,
    private readonly save: () => void,
    private readonly now: () => number,
    private readonly nextSeq: () => number,
  ) {}

  uploadTokens(): readonly UploadTokenRecord[] {
    return this.state().uploadTokens;
  }

  uploadToken(id: string): UploadTokenRecord | undefined {
    return this.state().uploadTokens.find((t) => t.id === id);
  }

  updateUploadToken(id: string, change: (token: UploadTokenRecord) => void): UploadTokenRecord {
    const token = this.uploadToken(id);
    if (!token) throw new SandboxApiError('UPLOAD_TOKEN_NOT_FOUND');
    change(token);
    token.updatedAtSeconds = Math.floor(this.now() / 1000);
    this.save();
    return token;
  }

  addUploadToken(token: UploadTokenRecord): void {
    this.state().uploadTokens.push(token);
    this.save();
  }

  recordings(): readonly RecordingRecord[] {
    return this.state().recordings;
  }

  addRecording(
    record: Omit<RecordingRecord, 'seq' | 'atMs' | 'recordedEntryId' | 'flavorParamsId'> &
      Partial<Pick<RecordingRecord, 'recordedEntryId' | 'flavorParamsId'>>,
  ): RecordingRecord {
    const full = { recordedEntryId: null, flavorParamsId: null, ...record, seq: this.nextSeq(), atMs: this.now() };
    this.state().recordings.push(full);
    this.save();
    return full;
  }

  beacons(): readonly BeaconRecord[] {
    return this.state().beacons;
  }

  addBeacon(beacon: Omit<BeaconRecord, 'seq' | 'atMs'>): BeaconRecord {
    const full = { ...beacon, seq: this.nextSeq(), atMs: this.now() };
    const { beacons } = this.state();
    beacons.push(full);
    if (beacons.length > MAX_BEACONS) beacons.splice(0, beacons.length - MAX_BEACONS);
    this.save();
    return full;
  }
}
