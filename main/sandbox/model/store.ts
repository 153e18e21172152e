// Owns the sandbox's state once opened (open-files.ts): typed reads plus the CRUD the UI and the services
// use, persisted to DATA/sandbox/state.json at every mutation; the server-node, recorded-entry and received tables.
import path from 'node:path';
import type { Logger } from '../../log/logger.js';
import type { ConversionProfile, SandboxEntry, SandboxPartner } from '../../../shared/sandbox.js';
import { SandboxApiError } from '../errors.js';
import { writeJsonAtomic, type CorruptFileReport } from './persist.js';
import { openSandboxFiles } from './open-files.js';
import { buildEntry, randomHex, type CreateEntryInput } from './entry-factory.js';
import { syncLiveAssets, syncMissingLiveAssets } from './live-assets.js';
import { applyPartnerPatch, mustFindPartner, toSandboxPartner, type PartnerSettingsPatch } from './partners.js';
import { toConversionProfile } from './profiles.js';
import { RecordedEntryTable } from './recorded.js';
import { ReceivedTable } from './received.js';
import { applyEntryPatch, toSandboxEntry, type UpdateEntryInput } from './entry-edit.js';
import { dropExpiredNodes, upsertEntryNode } from './entry-nodes.js';
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

export class SandboxStore {
  private readonly corruptFiles: CorruptFileReport[] = [];
  private state: SandboxState;
  private secrets: SandboxSecrets;
  /** the partners' server nodes (serverNode service) */
  readonly serverNodes: ServerNodeTable;
  /** recorded VOD entries and their files (DATA/sandbox/recorded/) */
  readonly recordedEntries: RecordedEntryTable;
  /** upload tokens, appended recordings and beacons the station sent */
  readonly received: ReceivedTable;

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
    this.received = new ReceivedTable(
      () => this.state,
      () => this.save(),
      this.now,
      () => this.nextSeq(),
    );
    // entries from a state file older than live assets get theirs now
    if (syncMissingLiveAssets(this.state, this.nowSeconds())) this.save();
    for (const secret of Object.values(this.secrets.adminSecrets)) logger.redactor.addSecret(secret);
  }

  get uploadsDir(): string {
    return path.join(this.dir, 'uploads');
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  save(): void {
    writeJsonAtomic(path.join(this.dir, 'state.json'), this.state);
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
    return mustFindPartner(this.state.partners, id);
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
    return this.state.conversionProfiles.map(toConversionProfile);
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
    return toSandboxEntry(entry);
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
    const profileChanged = applyEntryPatch(entry, patch, (profileId) => this.profileRecord(profileId) !== undefined);
    if (profileChanged) syncLiveAssets(this.state, entry, this.nowSeconds());
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
    if (dropExpiredNodes(this.state, this.now())) this.save();
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
    this.nodes();
    const node = upsertEntryNode(
      this.state,
      { entry, serverType, hostname, applicationName, status, serverNodeId },
      {
        nowMs: this.now(),
        nextId: () => this.nextSeq(),
      },
    );
    this.save();
    return node;
  }

  removeNode(nodeId: number): void {
    this.state.nodes = this.state.nodes.filter((n) => n.id !== nodeId);
    this.save();
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

  // ---- what the station sent (reads kept here for tests and drills) ----

  uploadTokens(): readonly UploadTokenRecord[] {
    return this.received.uploadTokens();
  }

  uploadToken(id: string): UploadTokenRecord | undefined {
    return this.received.uploadToken(id);
  }

  recordings(): readonly RecordingRecord[] {
    return this.received.recordings();
  }

  beacons(): readonly BeaconRecord[] {
    return this.received.beacons();
  }
}
