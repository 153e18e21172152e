// Owns what the producer's answers need of a producer's Kaltura, as narrow interfaces kaltura/ satisfies and
// station/ passes in: the session (sign-in, partner switch, status; its client stays opaque here) and the calls
// made with that client (live entries, profiles, entry server nodes), with Kaltura's errors in words.
import type { ProducerSignInRequest, ProducerStatus } from '../../shared/producer.js';
import type { LiveEntryFacts, ServerNodeFacts } from './entry-live-state.js';

/** Which Kaltura a producer signs in to; `kmcUrl` for entry links (null for the sandbox). */
export interface ProducerTarget {
  serviceUrl: string;
  kmcUrl: string | null;
}

/** The session's Kaltura client: the bridge only hands it back to the calls. */
export type ProducerClient = object;

/** A live entry as Kaltura answers a producer (the stream token only when the KS may see it). */
export interface ProducerEntryFacts extends LiveEntryFacts {
  streamPassword: string | null;
}

/** The producer's own Kaltura session (kaltura/'s ProducerSession satisfies it). */
export interface BridgeProducerSession {
  readonly target: ProducerTarget | null;
  readonly partnerId: number | null;
  client(target: ProducerTarget): ProducerClient;
  status(adminSecretNeeded: boolean): ProducerStatus;
  signIn(target: ProducerTarget, req: ProducerSignInRequest, adminSecretNeeded: boolean): Promise<ProducerStatus>;
  switchPartner(target: ProducerTarget, partnerId: number, adminSecretNeeded: boolean): Promise<ProducerStatus>;
  signOut(problem: string | null): void;
  /** the partner's admin secret this session read at sign-in (KMC admin), or null */
  partnerAdminSecret(): string | null;
  markAdminSecretStored(stored: boolean): void;
}

/** The Kaltura calls made with the session's client (kaltura/producer-actions.ts has them). */
export interface ProducerCalls {
  liveStreamList(
    client: ProducerClient,
    args: { nameLike?: string; pageIndex: number; pageSize: number },
  ): Promise<{ objects: ProducerEntryFacts[]; totalCount: number }>;
  liveStreamGetForProducer(client: ProducerClient, entryId: string): Promise<ProducerEntryFacts>;
  liveStreamAdd(
    client: ProducerClient,
    args: { name: string; conversionProfileId?: number; dvr: boolean; recording: boolean },
  ): Promise<ProducerEntryFacts>;
  liveStreamUpdate(
    client: ProducerClient,
    entryId: string,
    patch: { name?: string; conversionProfileId?: number; dvr?: boolean; recording?: boolean },
  ): Promise<ProducerEntryFacts>;
  liveStreamDelete(client: ProducerClient, entryId: string): Promise<void>;
  liveStreamRegenerateToken(client: ProducerClient, entryId: string): Promise<ProducerEntryFacts>;
  conversionProfileListLive(
    client: ProducerClient,
  ): Promise<{ id: number; name: string; description: string; isDefault: boolean }[]>;
  entryServerNodesFor(client: ProducerClient, entryIds: readonly string[]): Promise<ServerNodeFacts[]>;
  /** a failed call in words: Kaltura's code and message, or what went wrong on the way */
  describeError(error: unknown): string;
}
