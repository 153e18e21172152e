// Owns the sandbox's state once opened (open-files.ts): typed reads plus the CRUD the UI and the services
// use, persisted to DATA/sandbox/state.json at every mutation; the server-node and recorded-entry tables.
import path from 'node:path';
import type { Logger } from '../../log/logger.js';
import type { ConversionProfile, SandboxEntry, SandboxPartner } from '../../../shared/sandbox.js';
import { SandboxApiError } from '../errors.js';
import { writeJsonAtomic, type CorruptFileReport } from './persist.js';
import { openSandboxFiles } from './open-files.js';
import { buildEntry, randomHex, type CreateEntryInput } from './entry-factory.js';
import { syncLiveAssets, syncMissingLiveAssets } from './live-assets.js';
import { applyPartnerPatch, toSandboxPartner, type PartnerSettingsPatch } from './partners.js';
import { RecordedEntryTable } from './recorded.js';
import { ServerNodeTable } from './server-nodes.js';
import {
  ENTRY_ID_PATTERN,
  SEED_PARTNER_ID,
  type BeaconRecord,
  type ConversionProfileRecord,
  type EntryRecord,
  type LiveAssetRecord,
  type LiveParams,
  type NodeRecord,
  type PartnerRecord,
  type RecordingRecord,
  type ServerNodeRecord,
  type SandboxSecrets,
  type SandboxState,
  type UploadTokenRecord,
} from './types.js';

export { randomHex, type CreateEntryInput } from './entry-factory.js';
export type { PartnerSettingsPatch } from './partners.js';

/** A PLAYABLE/AUTHENTICATED registration that is not renewed within this is dropped (media_server_cache_expiry). */
export const NODE_EXPIRY_MS = 120_000;
// beacons arrive every few seconds per stream; the whole state file is rewritten on each, so keep it small
const MAX_BEACONS = 500;

export interface UpdateEntryInput {
  name?: string;
  conversionProfileId?: number;
  dvr?: boolean;
  dvrWindowMinutes?: number;
  /** on: APPENDED (1) unless the entry already records; off: DISABLED (0) */
  record?: boolean;
  /** Kaltura's RecordStatus: 0 DISABLED, 1 APPENDED, 2 PER_SESSION */
  recordStatus?: number;
  segmentDurationMs?: number;
}

export class SandboxStore {
  private readonly corruptFiles: CorruptFileReport[] = [];
  private state: SandboxState;
  private secrets: SandboxSecrets;
  /** the partners' server nodes (serverNode service) */
  readonly serverNodes: ServerNodeTable;
  /** recorded VOD entries and their files (DATA/sandbox/recorded/) */
  readonly recordedEntries: RecordedEntryTable;

  constructor(
    readonly dir: string,
    logger: Logger,
    private readonly now: () => number,
  ) {
    const opened = openSandboxFiles(dir, now, (report) => {
      this.corruptFiles.push(report);
      logger.error(
        `sandbox file ${path.basename(report.path)} is unreadable (${report.reason}); kept it as ${report.keptAs} and started fresh`,
      );
    });
    this.secrets = opened.secrets;
    this.state = opened.state;
    this.serverNodes = new ServerNodeTable(
      () => this.state,
      () => this.save(),
      () => this.nowSeconds(),
      () => this.nextSeq(),
    );
    this.recordedEntries = new RecordedEntryTable(
      () => this.state,
      () => this.save(),
      () => this.nowSeconds(),
      path.join(dir, 'recorded'),
    );
    // entries from a state file older than live assets get theirs now
    if (syncMissingLiveAssets(this.state, this.nowSeconds())) this.save();
    for (const secret of Object.values(this.secrets.adminSecrets)) logger.redactor.addSecret(secret);
  }

  get uploadsDir(): string {
    return path.join(this.dir, 'uploads');
  }

  private get statePath(): string {
    return path.join(this.dir, 'state.json');
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  save(): void {
    writeJsonAtomic(this.statePath, this.state);
  }

  nextSeq(): number {
    return this.state.nextSeq++;
  }

  /** Files found unreadable at start-up (moved aside, reported with logger.error). */
  corruption(): readonly CorruptFileReport[] {
    return this.corruptFiles;
  }

  // ---- partners ----

  partners(): readonly { id: number; name: string }[] {
    return this.state.partners.map((p) => ({ id: p.id, name: p.name }));
  }

  partner(id: number): Readonly<PartnerRecord> | undefined {
    return this.state.partners.find((p) => p.id === id);
  }

  /** For the UI (shared/sandbox.ts SandboxPartner): never the admin secret. */
  listPartners(): SandboxPartner[] {
    return this.state.partners.map(toSandboxPartner);
  }

  toSandboxPartner(id: number): SandboxPartner {
    return toSandboxPartner(this.mustPartner(id));
  }

  /** Switches a partner's features and limits (Sandbox screen, tests), so rehearsals meet Kaltura's refusals. */
  updatePartner(id: number, patch: PartnerSettingsPatch): Readonly<PartnerRecord> {
    const partner = applyPartnerPatch(this.mustPartner(id), patch);
    this.save();
    return partner;
  }

  private mustPartner(id: number): PartnerRecord {
    const partner = this.state.partners.find((p) => p.id === id);
    if (!partner)
      throw new Error(
        `unknown sandbox partner ${id}: the sandbox has partners ${this.state.partners.map((p) => p.id).join(', ')}`,
      );
    return partner;
  }

  adminSecret(partnerId: number): string | undefined {
    return this.state.partners.some((p) => p.id === partnerId)
      ? this.secrets.adminSecrets[String(partnerId)]
      : undefined;
  }

  // ---- profiles ----

  profileRecords(): readonly ConversionProfileRecord[] {
    return this.state.conversionProfiles;
  }

  profileRecord(id: number): ConversionProfileRecord | undefined {
    return this.state.conversionProfiles.find((p) => p.id === id);
  }

  liveParams(id: number): LiveParams | undefined {
    return this.state.liveParams.find((p) => p.id === id);
  }

  /** For the UI (shared/sandbox.ts ConversionProfile). */
  listProfiles(): ConversionProfile[] {
    return this.state.conversionProfiles.map((p) => ({
      id: p.id,
      name: p.name,
      description: p.description,
      isDefault: p.isDefault,
    }));
  }

  // ---- entries ----

  entries(): readonly EntryRecord[] {
    return this.state.entries;
  }

  entry(id: string): EntryRecord | undefined {
    return ENTRY_ID_PATTERN.test(id) ? this.state.entries.find((e) => e.id === id) : undefined;
  }

  /** The UI's view of an entry: never the stream token. */
  toSandboxEntry(entry: EntryRecord): SandboxEntry {
    return {
      entryId: entry.id,
      partnerId: entry.partnerId,
      name: entry.name,
      conversionProfileId: entry.conversionProfileId,
      dvrEnabled: entry.dvrStatus === 1,
      recordingEnabled: entry.recordStatus !== 0,
      createdAtMs: entry.createdAtSeconds * 1000,
      tokenUpdatedAtMs: entry.tokenUpdatedAtMs,
    };
  }

  createEntry(input: CreateEntryInput): EntryRecord {
    const entry = buildEntry(input, this.state, this.now());
    this.state.entries.push(entry);
    syncLiveAssets(this.state, entry, this.nowSeconds());
    this.save();
    return entry;
  }

  updateEntry(id: string, patch: UpdateEntryInput): EntryRecord {
    const entry = this.mustEntry(id);
    if (patch.name !== undefined) {
      if (patch.name.trim().length === 0) throw new Error('an entry name cannot be empty');
      entry.name = patch.name.trim();
    }
    if (patch.conversionProfileId !== undefined) {
      if (!this.profileRecord(patch.conversionProfileId))
        throw new SandboxApiError('CONVERSION_PROFILE_ID_NOT_FOUND', [patch.conversionProfileId]);
      const changed = entry.conversionProfileId !== patch.conversionProfileId;
      entry.conversionProfileId = patch.conversionProfileId;
      if (changed) syncLiveAssets(this.state, entry, this.nowSeconds());
    }
    if (patch.dvr !== undefined) entry.dvrStatus = patch.dvr ? 1 : 0;
    if (patch.dvrWindowMinutes !== undefined) entry.dvrWindow = patch.dvrWindowMinutes;
    if (patch.record !== undefined) entry.recordStatus = patch.record ? entry.recordStatus || 1 : 0;
    if (patch.recordStatus !== undefined) entry.recordStatus = patch.recordStatus;
    if (patch.segmentDurationMs !== undefined) entry.segmentDuration = patch.segmentDurationMs;
    entry.updatedAtSeconds = this.nowSeconds();
    this.save();
    return entry;
  }

  /** Mutates an entry through a callback (services), then persists. */
  mutateEntry(id: string, change: (entry: EntryRecord) => void): EntryRecord {
    const entry = this.mustEntry(id);
    change(entry);
    entry.updatedAtSeconds = this.nowSeconds();
    this.save();
    return entry;
  }

  deleteEntry(id: string): void {
    this.mustEntry(id);
    this.state.entries = this.state.entries.filter((e) => e.id !== id);
    this.state.nodes = this.state.nodes.filter((n) => n.entryId !== id);
    this.state.liveAssets = this.state.liveAssets.filter((a) => a.entryId !== id);
    this.save();
  }

  regenerateToken(id: string): string {
    return this.mutateEntry(id, (e) => {
      e.streamPassword = randomHex(4);
      e.tokenUpdatedAtMs = this.now();
    }).streamPassword;
  }

  /** The stream token, for the main process only (publish details); never send it to logs. */
  entryToken(id: string): string | undefined {
    return this.entry(id)?.streamPassword;
  }

  private mustEntry(id: string): EntryRecord {
    const entry = this.entry(id);
    if (!entry) throw new SandboxApiError('ENTRY_ID_NOT_FOUND', [id]);
    return entry;
  }

  // ---- entry server nodes ----

  /** Live nodes; registrations not renewed for NODE_EXPIRY_MS are dropped first. */
  nodes(): readonly NodeRecord[] {
    const cutoff = this.now() - NODE_EXPIRY_MS;
    const kept = this.state.nodes.filter((n) => n.renewedAtMs >= cutoff);
    if (kept.length !== this.state.nodes.length) {
      this.state.nodes = kept;
      this.save();
    }
    return this.state.nodes;
  }

  upsertNode(
    entry: EntryRecord,
    serverType: number,
    hostname: string,
    applicationName: string | null,
    status: number,
    serverNodeId: number | null,
  ): NodeRecord {
    const nowS = this.nowSeconds();
    let node = this.nodes().find((n) => n.entryId === entry.id && n.serverType === serverType);
    if (!node) {
      node = {
        id: this.nextSeq(),
        entryId: entry.id,
        partnerId: entry.partnerId,
        serverType,
        hostname,
        applicationName,
        status,
        createdAtSeconds: nowS,
        updatedAtSeconds: nowS,
        renewedAtMs: this.now(),
        serverNodeId,
      };
      this.state.nodes.push(node);
    }
    Object.assign(node, {
      hostname,
      applicationName: applicationName ?? node.applicationName,
      status,
      updatedAtSeconds: nowS,
      renewedAtMs: this.now(),
      serverNodeId,
    });
    this.save();
    return node;
  }

  // ---- server nodes ----

  /** What a Kaltura admin does for a media server (serverNode.add + enable); see ServerNodeTable.addActiveMediaServer. */
  addMediaServerNode(hostName: string, partnerId: number = SEED_PARTNER_ID): ServerNodeRecord {
    return this.serverNodes.addActiveMediaServer(hostName, partnerId);
  }

  // ---- live assets ----

  liveAssets(entryId: string): readonly LiveAssetRecord[] {
    return this.state.liveAssets.filter((a) => a.entryId === entryId);
  }

  allLiveAssets(): readonly LiveAssetRecord[] {
    return this.state.liveAssets;
  }

  removeNode(nodeId: number): void {
    this.state.nodes = this.state.nodes.filter((n) => n.id !== nodeId);
    this.save();
  }

  // ---- uploads, recordings, beacons ----

  uploadTokens(): readonly UploadTokenRecord[] {
    return this.state.uploadTokens;
  }

  uploadToken(id: string): UploadTokenRecord | undefined {
    return this.state.uploadTokens.find((t) => t.id === id);
  }

  updateUploadToken(id: string, change: (token: UploadTokenRecord) => void): UploadTokenRecord {
    const token = this.uploadToken(id);
    if (!token) throw new SandboxApiError('UPLOAD_TOKEN_NOT_FOUND');
    change(token);
    token.updatedAtSeconds = this.nowSeconds();
    this.save();
    return token;
  }

  addUploadToken(token: UploadTokenRecord): void {
    this.state.uploadTokens.push(token);
    this.save();
  }

  recordings(): readonly RecordingRecord[] {
    return this.state.recordings;
  }

  addRecording(
    record: Omit<RecordingRecord, 'seq' | 'atMs' | 'recordedEntryId' | 'flavorParamsId'> &
      Partial<Pick<RecordingRecord, 'recordedEntryId' | 'flavorParamsId'>>,
  ): RecordingRecord {
    const full = { recordedEntryId: null, flavorParamsId: null, ...record, seq: this.nextSeq(), atMs: this.now() };
    this.state.recordings.push(full);
    this.save();
    return full;
  }

  beacons(): readonly BeaconRecord[] {
    return this.state.beacons;
  }

  addBeacon(beacon: Omit<BeaconRecord, 'seq' | 'atMs'>): BeaconRecord {
    const full = { ...beacon, seq: this.nextSeq(), atMs: this.now() };
    this.state.beacons.push(full);
    if (this.state.beacons.length > MAX_BEACONS) this.state.beacons.splice(0, this.state.beacons.length - MAX_BEACONS);
    this.save();
    return full;
  }
}
