/**
 * The server's storage port: what the push and pull handlers need from the
 * database. PocketBase implements it in pb_hooks/sync/store.js over `$app`
 * inside one transaction per request; every method is synchronous because
 * PocketBase's JS handlers are.
 */
import type { HlcState } from '../core/stamp';
import type { Json, OpResult, SyncedCollection, WireRecord } from '../core/types';

export interface DeviceRow {
	user: string;
	active: boolean;
}

export interface ConflictNotice {
	user: string;
	collection: SyncedCollection;
	record: string;
	field: string;
	mine: Json;
	theirs: Json;
	/** The user whose value won; empty when it was written outside the app. */
	theirs_by: string;
	at: number;
}

/**
 * What the server answered an op, kept so a replay gets the same answer
 * (CONVENTIONS 16). It belongs to the user and device that sent the op.
 */
export interface Receipt {
	user: string;
	device: string;
	/** The op's collection and record ('' on receipts written before they were kept). */
	collection: string;
	record: string;
	/** The first answer, without its record. */
	result: OpResult;
}

export interface AuditEntry {
	user: string;
	device: string;
	collection: SyncedCollection;
	record: string;
	op: 'create' | 'update' | 'delete';
	/** Field path → [old, new]. */
	changes: Record<string, [Json, Json]>;
	conflict: boolean;
}

export interface ServerStore {
	/** The server's wall clock, ms. */
	now(): number;
	/**
	 * The id of the server's data: changes whenever the data is restored from a
	 * backup or replaced (see ARCHITECTURE.md, "Epoch"); '' when not known.
	 */
	epoch(): string;
	/** The server's own HLC (device `server`), persisted between requests. */
	loadHlc(): HlcState;
	saveHlc(state: HlcState): void;
	/** Allocates the next change sequence number (strictly increasing). */
	nextSeq(): number;
	/** The largest sequence number handed out so far. */
	currentSeq(): number;
	/**
	 * The id of this server's data: it changes whenever the data is restored
	 * from a backup or replaced, so a device knows its cursor means nothing here.
	 */
	epoch(): string;

	/** A record as plain JSON with stamps/seq/deleted; null when absent. */
	getRecord(collection: SyncedCollection, id: string): WireRecord | null;
	/** Inserts or updates a record with every non-reserved field of `record`. */
	putRecord(collection: SyncedCollection, record: WireRecord): void;

	/** The receipt of an op id, whoever made it; null when the id was never seen. */
	getReceipt(opId: string): Receipt | null;
	putReceipt(opId: string, receipt: Receipt): void;

	getDevice(deviceId: string): DeviceRow | null;
	registerDevice(deviceId: string, user: string): void;
	/**
	 * Records that a device synced: last_sync_at (now), and the cursor and
	 * outbox counts when given (a field left out keeps its value).
	 */
	touchDevice(
		deviceId: string,
		fields: { cursor?: number; pending?: number; failed?: number }
	): void;
	/** The user a device belongs to, for conflict notices. */
	userOfDevice(deviceId: string): string | null;

	/** The raw assessment record, or null. */
	getAssessment(id: string): { [key: string]: unknown } | null;
	teaches(userId: string, classId: string): boolean;
	studentInClass(studentId: string, classId: string): boolean;
	/** Whether the student is in any class the user teaches. */
	studentTaughtBy(studentId: string, userId: string): boolean;
	/**
	 * The live (not deleted) attempts of one student in one class, assessment
	 * and period, as stored: what that class's result derives its best time from.
	 */
	liveAttempts(
		studentId: string,
		classId: string,
		assessmentId: string,
		periodId: string
	): LiveAttempt[];
	/**
	 * Optional: loads in bulk what a push batch will read (receipts, records),
	 * so the per-op reads that follow are answered from memory.
	 */
	prefetch?(plan: PrefetchPlan): void;
	/** Optional: loads the live attempts of these students in one go (before liveAttempts). */
	prefetchAttempts?(studentIds: string[]): void;
	/** Optional: a native lower-case hex SHA-256 of a string's UTF-8 bytes (faster than the JS one). */
	sha256Hex?(text: string): string;

	addConflict(notice: ConflictNotice, seq: number, stamp: string): void;

	/** Ids of the classes a user teaches. */
	classesTaughtBy(userId: string): string[];
	/** The class ids a device last fetched in full (null: never). */
	getDeviceScope(deviceId: string): string[] | null;
	setDeviceScope(deviceId: string, classes: string[]): void;
	/** A device's counters, for /api/sync/status. */
	getDeviceStatus(deviceId: string): { [key: string]: Json } | null;
	/**
	 * Records of one collection in the scope with seq > since, by seq, at most
	 * `limit`. Tombstones included.
	 */
	changesSince(
		collection: SyncedCollection,
		since: number,
		limit: number,
		scope: Scope
	): WireRecord[];
	/**
	 * Optional, faster: one pull page over every synced collection, as JSON text
	 * the route sends as is (`[{ "collection", "record" }, …]`, at most `limit`,
	 * by seq), with how many it holds, the last seq in it and whether more follow.
	 */
	pageSince?(since: number, limit: number, scope: Scope): PageText;
	addAudit(entry: AuditEntry): void;
}

/** One stored attempt, as derivation needs it. */
export interface LiveAttempt {
	id: string;
	seconds: number;
}

/** What one push batch is about to read. */
export interface PrefetchPlan {
	opIds: string[];
	records: { collection: SyncedCollection; ids: string[] }[];
}

/** What a user may read: everything (coordinators) or some classes. */
export interface Scope {
	all: boolean;
	user: string;
	classes: string[];
}

/** The signed-in user making a request. */
export interface Actor {
	id: string;
	role: 'teacher' | 'coordinator';
}

/** A pull page made by the store as JSON text. */
export interface PageText {
	json: string;
	count: number;
	lastSeq: number;
	more: boolean;
}

/** What a handler answers: an HTTP status and a JSON body. */
export interface HandlerAnswer {
	status: number;
	body: { [key: string]: unknown };
	/** When set, the body's `changes` is this JSON text (the route splices it in, unparsed). */
	changesJson?: string;
}
