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
	/** The server's own HLC (device `server`), persisted between requests. */
	loadHlc(): HlcState;
	saveHlc(state: HlcState): void;
	/** Allocates the next change sequence number (strictly increasing). */
	nextSeq(): number;
	/** The largest sequence number handed out so far. */
	currentSeq(): number;

	/** A record as plain JSON with stamps/seq/deleted; null when absent. */
	getRecord(collection: SyncedCollection, id: string): WireRecord | null;
	/** Inserts or updates a record with every non-reserved field of `record`. */
	putRecord(collection: SyncedCollection, record: WireRecord): void;

	getReceipt(opId: string): OpResult | null;
	putReceipt(opId: string, user: string, device: string, result: OpResult): void;

	getDevice(deviceId: string): DeviceRow | null;
	registerDevice(deviceId: string, user: string): void;
	/** Records that a device synced (last_sync_at, cursor). */
	touchDevice(deviceId: string, fields: { cursor?: number; pending?: number; failed?: number }): void;
	/** The user a device belongs to, for conflict notices. */
	userOfDevice(deviceId: string): string | null;

	/** The raw assessment record, or null. */
	getAssessment(id: string): { [key: string]: unknown } | null;
	teaches(userId: string, classId: string): boolean;
	studentInClass(studentId: string, classId: string): boolean;
	/** Whether the student is in any class the user teaches. */
	studentTaughtBy(studentId: string, userId: string): boolean;
	/** Seconds of the live (not deleted) attempts of one student, assessment and period. */
	attemptSeconds(studentId: string, assessmentId: string, periodId: string): number[];

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
	changesSince(collection: SyncedCollection, since: number, limit: number, scope: Scope): WireRecord[];
	addAudit(entry: AuditEntry): void;
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

/** What a handler answers: an HTTP status and a JSON body. */
export interface HandlerAnswer {
	status: number;
	body: { [key: string]: unknown };
}
