/**
 * An in-memory, synchronous ServerStore: the real handlers (handlePush,
 * handlePull, handleStatus, applyExternalEdit) run over it in Node, for the
 * engine, convergence and property suites and the handlers' own unit tests.
 *
 * It replaces I/O only, never logic (CONVENTIONS 15): authorization, merge,
 * derivation, receipts and conflict notices are the handlers'. What it models
 * of the database is what pb_hooks/sync/store.js reads and writes: users,
 * classes (`teachers`), students (`classes`), synced records with their seq,
 * receipts keyed by op id and owner, devices with their scope, audit entries,
 * the server's HLC, and the data's epoch (changed by `restore`).
 *
 * Records are copied in and out, so a handler never holds the stored object.
 * Not bundled into pb_hooks (server/index.ts does not export it).
 */
import { createHlcState, type HlcState } from '../core/stamp';
import type { SyncedCollection, WireRecord } from '../core/types';
import { SYNCED_COLLECTIONS } from '../../domain/collections';
import type {
	AuditEntry,
	ConflictNotice,
	DeviceRow,
	LiveAttempt,
	Receipt,
	Scope,
	ServerStore
} from './store';

/** A user as the store knows them (PocketBase's users collection). */
export interface MemoryUser {
	id: string;
	role: 'teacher' | 'coordinator';
}

interface DeviceState {
	user: string;
	active: boolean;
	scope: string[] | null;
	cursor: number;
	pending: number;
	failed: number;
	last_sync_at: number;
}

/** Everything the store holds: what a backup would. */
export interface MemorySnapshot {
	seq: number;
	hlc: HlcState;
	users: MemoryUser[];
	records: { collection: SyncedCollection; record: WireRecord }[];
	receipts: { opId: string; receipt: Receipt }[];
	devices: { id: string; device: DeviceState }[];
	audit: AuditEntry[];
}

/** The store, plus what tests need to set up and look at it. */
export interface MemoryStore extends ServerStore {
	addUser(user: MemoryUser): void;
	user(id: string): MemoryUser | null;
	/** Writes a record as it is (the caller stamps it), with the next seq. */
	seedRecord(collection: SyncedCollection, record: Omit<WireRecord, 'seq'>): WireRecord;
	/** Every stored record of a collection (copies). */
	records(collection: SyncedCollection): WireRecord[];
	/** Whether `record` of `collection` is in `scope` (the pull and realtime filter). */
	visible(collection: SyncedCollection, record: WireRecord, scope: Scope): boolean;
	/** The records written since the last call (for realtime fan-out after a request). */
	takeWritten(): { collection: SyncedCollection; record: WireRecord }[];
	setDeviceActive(deviceId: string, active: boolean): void;
	readonly audit: readonly AuditEntry[];
	/** A copy of everything (a backup). */
	snapshot(): MemorySnapshot;
	/** Replaces everything with a snapshot (a restore): the epoch changes. */
	restore(snapshot: MemorySnapshot): void;
}

export interface MemoryStoreOptions {
	now: () => number;
	/** Makes the epoch ids (default: a counter). */
	newEpoch?: () => string;
}

const copy = <T>(value: T): T => structuredClone(value);
const keyOf = (collection: string, id: string): string => collection + '/' + id;

function strings(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function createMemoryStore(options: MemoryStoreOptions): MemoryStore {
	let epochs = 0;
	const newEpoch = options.newEpoch ?? (() => 'mem' + String(++epochs).padStart(12, '0'));
	let epoch = newEpoch();
	let seq = 0;
	let hlc: HlcState = createHlcState('server');
	let conflictIds = 0;
	const users = new Map<string, MemoryUser>();
	const records = new Map<string, { collection: SyncedCollection; record: WireRecord }>();
	const receipts = new Map<string, Receipt>();
	const devices = new Map<string, DeviceState>();
	const audit: AuditEntry[] = [];
	let written: { collection: SyncedCollection; record: WireRecord }[] = [];

	const stored = (collection: SyncedCollection, id: string): WireRecord | null =>
		records.get(keyOf(collection, id))?.record ?? null;

	function put(collection: SyncedCollection, record: WireRecord): void {
		const rec = copy(record);
		records.set(keyOf(collection, rec.id), { collection, record: rec });
		written.push({ collection, record: copy(rec) });
	}

	function classesOf(studentId: string): string[] {
		return strings(stored('students', studentId)?.['classes']);
	}

	function taught(userId: string): string[] {
		const out: string[] = [];
		for (const { collection, record } of records.values()) {
			if (collection === 'classes' && strings(record['teachers']).indexOf(userId) >= 0)
				out.push(record.id);
		}
		return out;
	}

	function visible(collection: SyncedCollection, record: WireRecord, scope: Scope): boolean {
		// As SQL_SCOPES in pb_hooks/sync/store.js: conflicts are their owner's only.
		if (collection === 'conflicts') return record['user'] === scope.user;
		if (scope.all) return true;
		const mine = (id: unknown) => typeof id === 'string' && scope.classes.indexOf(id) >= 0;
		switch (collection) {
			case 'classes':
				return mine(record.id);
			case 'students':
				return strings(record['classes']).some(mine);
			case 'results':
			case 'observations':
				return mine(record['class']);
			case 'attempts':
				return classesOf(String(record['student'] ?? '')).some(mine);
			default:
				return true;
		}
	}

	const store: MemoryStore = {
		now: () => options.now(),
		epoch: () => epoch,
		loadHlc: () => ({ ...hlc }),
		saveHlc(state) {
			hlc = { ...state };
		},
		nextSeq: () => ++seq,
		currentSeq: () => seq,

		getRecord(collection, id) {
			const rec = stored(collection, id);
			return rec ? copy(rec) : null;
		},
		putRecord: put,

		getReceipt(opId) {
			const r = receipts.get(opId);
			return r ? copy(r) : null;
		},
		putReceipt(opId, receipt) {
			receipts.set(opId, copy(receipt));
		},

		getDevice(deviceId): DeviceRow | null {
			const d = devices.get(deviceId);
			return d ? { user: d.user, active: d.active } : null;
		},
		registerDevice(deviceId, user) {
			devices.set(deviceId, {
				user,
				active: true,
				scope: null,
				cursor: 0,
				pending: 0,
				failed: 0,
				last_sync_at: options.now()
			});
		},
		touchDevice(deviceId, fields) {
			const d = devices.get(deviceId);
			if (!d) return;
			d.last_sync_at = options.now();
			if (fields.cursor !== undefined) d.cursor = fields.cursor;
			if (fields.pending !== undefined) d.pending = fields.pending;
			if (fields.failed !== undefined) d.failed = fields.failed;
		},
		userOfDevice: (deviceId) => devices.get(deviceId)?.user ?? null,
		getDeviceScope(deviceId) {
			const scope = devices.get(deviceId)?.scope;
			return scope ? scope.slice() : null;
		},
		setDeviceScope(deviceId, classes) {
			const d = devices.get(deviceId);
			if (d) d.scope = classes.slice();
		},
		getDeviceStatus(deviceId) {
			const d = devices.get(deviceId);
			if (!d) return null;
			return {
				device_id: deviceId,
				name: deviceId,
				active: d.active,
				last_sync_at: new Date(d.last_sync_at).toISOString(),
				cursor: d.cursor,
				pending: d.pending,
				failed: d.failed
			};
		},

		getAssessment(id) {
			const rec = stored('assessments', id);
			return rec ? (copy(rec) as { [key: string]: unknown }) : null;
		},
		teaches: (userId, classId) => taught(userId).indexOf(classId) >= 0,
		classesTaughtBy: (userId) => taught(userId),
		studentInClass: (studentId, classId) => classesOf(studentId).indexOf(classId) >= 0,
		studentTaughtBy(studentId, userId) {
			const mine = taught(userId);
			return classesOf(studentId).some((c) => mine.indexOf(c) >= 0);
		},
		liveAttempts(studentId, assessmentId, periodId): LiveAttempt[] {
			const out: LiveAttempt[] = [];
			for (const { collection, record: r } of records.values()) {
				if (
					collection === 'attempts' &&
					r.deleted !== true &&
					r['student'] === studentId &&
					r['assessment'] === assessmentId &&
					r['period'] === periodId &&
					typeof r['seconds'] === 'number'
				)
					out.push({ id: r.id, seconds: r['seconds'] });
			}
			return out;
		},

		addConflict(notice: ConflictNotice, noticeSeq: number, stamp: string) {
			const id = 'cf' + String(++conflictIds).padStart(13, '0');
			const record: WireRecord = {
				id,
				stamps: { status: stamp },
				seq: noticeSeq,
				deleted: false,
				status: 'open',
				user: notice.user,
				collection: notice.collection,
				record: notice.record,
				field: notice.field,
				mine: notice.mine,
				theirs: notice.theirs,
				theirs_by: notice.theirs_by,
				at: new Date(notice.at).toISOString()
			};
			put('conflicts', record);
		},
		addAudit(entry) {
			audit.push(copy(entry));
		},

		changesSince(collection, since, limit, scope) {
			const out: WireRecord[] = [];
			for (const { collection: c, record } of records.values()) {
				if (c === collection && record.seq > since && visible(c, record, scope)) out.push(record);
			}
			out.sort((a, b) => a.seq - b.seq);
			return out.slice(0, Math.max(0, Math.floor(limit))).map(copy);
		},

		// ── for tests ──────────────────────────────────────────────────────────
		addUser(user) {
			users.set(user.id, { ...user });
		},
		user: (id) => {
			const u = users.get(id);
			return u ? { ...u } : null;
		},
		seedRecord(collection, record) {
			const rec = { ...copy(record), seq: ++seq } as WireRecord;
			put(collection, rec);
			return copy(rec);
		},
		records(collection) {
			const out: WireRecord[] = [];
			for (const r of records.values()) if (r.collection === collection) out.push(copy(r.record));
			return out;
		},
		visible,
		takeWritten() {
			const out = written;
			written = [];
			return out;
		},
		setDeviceActive(deviceId, active) {
			const d = devices.get(deviceId);
			if (d) d.active = active;
		},
		get audit() {
			return audit;
		},
		snapshot(): MemorySnapshot {
			return copy({
				seq,
				hlc,
				users: [...users.values()],
				records: [...records.values()],
				receipts: [...receipts.entries()].map(([opId, receipt]) => ({ opId, receipt })),
				devices: [...devices.entries()].map(([id, device]) => ({ id, device })),
				audit
			});
		},
		restore(snapshot) {
			const s = copy(snapshot);
			seq = s.seq;
			hlc = s.hlc;
			users.clear();
			for (const u of s.users) users.set(u.id, u);
			records.clear();
			for (const r of s.records) records.set(keyOf(r.collection, r.record.id), r);
			receipts.clear();
			for (const r of s.receipts) receipts.set(r.opId, r.receipt);
			devices.clear();
			for (const d of s.devices) devices.set(d.id, d.device);
			audit.splice(0, audit.length, ...s.audit);
			written = [];
			epoch = newEpoch();
		}
	};
	return store;
}

/** Every synced collection's records in a scope, for assertions (as a pull from 0 would send). */
export function recordsInScope(
	store: MemoryStore,
	scope: Scope
): { collection: SyncedCollection; record: WireRecord }[] {
	const out: { collection: SyncedCollection; record: WireRecord }[] = [];
	for (const collection of SYNCED_COLLECTIONS) {
		for (const record of store.records(collection)) {
			if (store.visible(collection, record, scope)) out.push({ collection, record });
		}
	}
	return out;
}
