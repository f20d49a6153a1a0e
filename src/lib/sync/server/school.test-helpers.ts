/**
 * A small school in the memory store, for the handlers' unit tests and the
 * property suite: two teachers with a class each, a coordinator, a student in
 * each class and one in both, a period, an `items` assessment (a, b, c: 0–10)
 * and a `timed` one. Requests go through the real handlers.
 */
import { resultId } from '../core/ids';
import { formatStamp } from '../core/stamp';
import type { Json, Op, OpResult, SyncedCollection, WireRecord } from '../core/types';
import { createMemoryStore, type MemoryStore } from './memory-store';
import { handlePull } from './pull';
import { handlePush } from './push';

export const T1 = 'usrteacher00001';
export const T2 = 'usrteacher00002';
export const COORD = 'usrcoordinat001';
export const C1 = 'cls000000000001';
export const C2 = 'cls000000000002';
export const S1 = 'stu000000000001';
export const S2 = 'stu000000000002';
/** In both classes. */
export const S12 = 'stu000000000012';
export const P = 'per000000000001';
export const A = 'asm000000000001';
export const TIMED = 'asm000000000002';
/** Every seeded record is stamped at this ms. */
export const T0 = 1_767_225_600_000;

export interface School {
	store: MemoryStore;
	/** The server's clock; move it with `clock.ms = …`. */
	clock: { ms: number };
	/** POST /api/sync/push as `user` from `device`; the handler's answer. */
	push(user: string, device: string, ops: unknown[]): { status: number; body: PushBody };
	/** A full pull from 0 as `user` from `device`. */
	pull(user: string, device: string): { collection: SyncedCollection; record: WireRecord }[];
	/** Open conflict notices of `user`. */
	notices(user: string): WireRecord[];
}

export interface PushBody {
	results: OpResult[];
	cursor: number;
	serverTime: number;
	message?: string;
}

function stamped(fields: Record<string, Json>, ms: number): Omit<WireRecord, 'id' | 'seq'> {
	const stamp = formatStamp(ms, 0, 'server');
	return {
		...fields,
		stamps: Object.fromEntries(Object.keys(fields).map((f) => [f, stamp])),
		deleted: false
	};
}

export function createSchool(): School {
	const clock = { ms: T0 + 10_000 };
	const store = createMemoryStore({ now: () => clock.ms });
	store.addUser({ id: T1, role: 'teacher' });
	store.addUser({ id: T2, role: 'teacher' });
	store.addUser({ id: COORD, role: 'coordinator' });
	const seed = (collection: SyncedCollection, id: string, fields: Record<string, Json>) =>
		store.seedRecord(collection, { id, ...stamped(fields, T0) });
	seed('classes', C1, { name: '5A', year_level: 5, teachers: [T1] });
	seed('classes', C2, { name: '5B', year_level: 5, teachers: [T2] });
	seed('students', S1, { given_name: 'A', family_name: 'One', student_number: '1', classes: [C1] });
	seed('students', S2, { given_name: 'B', family_name: 'Two', student_number: '2', classes: [C2] });
	seed('students', S12, {
		given_name: 'C',
		family_name: 'Both',
		student_number: '12',
		classes: [C1, C2]
	});
	seed('periods', P, { name: 'Term 1', starts: '2026-01-27', ends: '2026-04-02' });
	seed('assessments', A, {
		name: 'Items',
		framework: 'Test',
		kind: 'items',
		components: [
			{ key: 'a', label: 'A', max: 10 },
			{ key: 'b', label: 'B', max: 10 },
			{ key: 'c', label: 'C', max: 10 }
		],
		levels: [],
		active: true
	});
	seed('assessments', TIMED, {
		name: 'Sprint',
		framework: 'Test',
		kind: 'timed',
		components: [],
		levels: [],
		active: true
	});
	store.takeWritten();
	const actor = (user: string) => {
		const u = store.user(user);
		if (!u) throw new Error(`no user ${user}`);
		return { id: u.id, role: u.role };
	};
	return {
		store,
		clock,
		push(user, device, ops) {
			const body = JSON.parse(JSON.stringify({ device, ops })) as unknown;
			const answer = handlePush(body, JSON.stringify(body).length, actor(user), store);
			return JSON.parse(JSON.stringify(answer)) as { status: number; body: PushBody };
		},
		pull(user, device) {
			const out: { collection: SyncedCollection; record: WireRecord }[] = [];
			let since = 0;
			for (let guard = 0; guard < 100; guard++) {
				const answer = handlePull(
					{ device, since: String(since), limit: '2000' },
					actor(user),
					store
				);
				if (answer.status !== 200) throw new Error(`pull: ${answer.status}`);
				const body = answer.body as {
					changes: { collection: SyncedCollection; record: WireRecord }[];
					cursor: number;
					more: boolean;
				};
				out.push(...body.changes);
				since = body.cursor;
				if (!body.more) break;
			}
			return JSON.parse(JSON.stringify(out)) as typeof out;
		},
		notices(user) {
			return store.records('conflicts').filter((c) => c['user'] === user);
		}
	};
}

let opIds = 0;

/** Makes ops for one device: ids and stamps from counters, as a device's HLC would. */
export function opMaker(device: string, startMs = T0 + 5_000) {
	let ms = startMs;
	return {
		/** The stamp the next op gets (without taking it). */
		get ms() {
			return ms;
		},
		set ms(value: number) {
			ms = value;
		},
		op(
			collection: SyncedCollection,
			record: string,
			fields: Op['fields'],
			base: Op['base'] = {},
			extra: Partial<Op> = {}
		): Op {
			const n = ++opIds;
			const stamp = formatStamp(ms++, 0, device);
			const id = `0190${device.replace(/[^a-z0-9]/g, '').slice(0, 8)}-${String(n).padStart(6, '0')}`;
			return { id, collection, record, fields, stamp, base, ...extra };
		}
	};
}

/** The id and creating fields of a result. */
export function resultOf(student: string, cls: string, assessment = A) {
	return {
		id: resultId(student, assessment, P),
		key: { student, class: cls, assessment, period: P }
	};
}
