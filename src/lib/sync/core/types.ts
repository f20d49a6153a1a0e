/**
 * The wire contract of Markbook sync (version 2), shared by the device and the
 * server hooks. See ARCHITECTURE.md "The wire contract" and the README.
 *
 * Pure types only: this file is bundled into pb_hooks.
 */

/**
 * Wire protocol version a request carries as `v` (absent means 1). Version 2
 * put the class in a result's natural key (see resultId) and in attempts.
 */
export const WIRE_VERSION = 2;

/**
 * A hybrid-logical-clock stamp: `<13-digit ms>:<5-digit counter>:<device id>`,
 * e.g. `1767225600000:00003:dev_7f3a`. Stamps sort in time order as strings.
 */
export type Stamp = string;

/** A field path: a top-level field (`notes`) or a component (`values.run_3`). */
export type FieldPath = string;

/** JSON values a field may hold. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Collections that devices replicate. */
export type SyncedCollection =
	| 'classes'
	| 'students'
	| 'periods'
	| 'assessments'
	| 'results'
	| 'attempts'
	| 'observations'
	| 'conflicts';

/** One edit, as made on a device and pushed to the server. */
export interface Op {
	/** UUIDv7 made on the device; the server keeps a receipt per op id. */
	id: string;
	collection: SyncedCollection;
	/** Record id (for results: derived from the natural key, see resultId()). */
	record: string;
	/** Field path → new value. A create also carries its natural-key fields. */
	fields: Record<FieldPath, Json>;
	stamp: Stamp;
	/** Field path → the stamp the device last saw for it (null: never seen). */
	base: Record<FieldPath, Stamp | null>;
	/** A tombstone: rows are never hard-deleted by sync. */
	delete?: boolean;
}

export interface PushRequest {
	v?: number;
	device: string;
	ops: Op[];
	/**
	 * The epoch of the device's cursor (HTTP: sent as the `epoch` query
	 * parameter). The server answers 409 `epoch_changed` and applies nothing
	 * when it holds other data, so the device resets before it pushes.
	 */
	epoch?: string;
	/**
	 * The device's outbox as of sending: ops not yet accepted (this batch
	 * included) and rejected ops kept for the teacher. Stored on its `devices`
	 * row; absent (an older app) leaves the row's counts as they were.
	 */
	pending?: number;
	failed?: number;
}

export type OpStatus = 'applied' | 'duplicate' | 'superseded' | 'rejected';

/** A record as it travels on the wire: its fields plus the sync fields. */
export interface WireRecord {
	id: string;
	stamps: Record<FieldPath, Stamp>;
	seq: number;
	deleted: boolean;
	[field: string]: Json | undefined;
}

export interface OpResult {
	id: string;
	status: OpStatus;
	/** A code a program can branch on, e.g. `out_of_range`, `not_your_class`. */
	code?: string;
	/** Words a teacher can read. */
	reason?: string;
	/** The record as the server now holds it (always on superseded). */
	record?: WireRecord;
	/** Set when the server clamped a stamp that ran ahead of its clock. */
	clamped?: { from: Stamp; to: Stamp };
}

export interface PushResponse {
	results: OpResult[];
	cursor: number;
	serverTime: number;
	/** The id of the server's data (changes when it is restored from a backup or replaced). */
	epoch?: string;
}

export interface Change {
	collection: SyncedCollection;
	record: WireRecord;
}

export interface PullResponse {
	changes: Change[];
	cursor: number;
	more: boolean;
	scopeChanged: boolean;
	/** The id of the server's data (changes when it is restored from a backup or replaced). */
	epoch?: string;
	/**
	 * The device's cursor means nothing here (another epoch, or ahead of the
	 * server's): fetch everything from 0 and re-send own edits the server lacks.
	 */
	reset?: boolean;
}

/** Limits of one push request; the server answers 413 past them. */
export const PUSH_MAX_OPS = 500;
export const PUSH_MAX_BYTES = 1_000_000;
/**
 * How deep a push body may nest arrays and objects (checked on the text,
 * before parsing). A real one nests 6 deep (`{ops:[{fields:{components:[{…}]}}]}`).
 * Above the envelope (4) plus a stored value's limit (JSON_MAX_DEPTH, 16), so
 * that a value too deep is refused by its op, with a reason, not the whole push.
 */
export const PUSH_MAX_DEPTH = 32;
/**
 * The largest outbox count (`pending`, `failed`) a device may report on a push
 * or pull; past it the request is malformed (no real outbox holds a million ops).
 */
export const DEVICE_COUNT_MAX = 1_000_000;
/** The largest body a REST record request (admin UI, API) may send. */
export const REST_MAX_BYTES = 1_000_000;
/** How far a device clock may run ahead of the server's before it is clamped. */
export const CLOCK_MAX_AHEAD_MS = 60_000;
