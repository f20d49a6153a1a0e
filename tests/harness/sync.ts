/** Helpers for speaking the sync wire contract to a real server in tests. */
import type PocketBase from 'pocketbase';
import { v7 as uuidv7 } from 'uuid';
import type {
	Json,
	Op,
	PullResponse,
	PushResponse,
	SyncedCollection
} from '../../src/lib/sync/core/types';
import { WIRE_VERSION } from '../../src/lib/sync/core/types';
import { formatStamp } from '../../src/lib/sync/core/stamp';
import { resultId } from '../../src/lib/sync/core/ids';
import { DEMO_IDS, DEMO_USERS } from '../../scripts/lib/seed.mjs';

export { resultId };

export function login(key: 'teacherA' | 'teacherB' | 'coordinator'): {
	email: string;
	password: string;
	id: string;
} {
	const user = DEMO_USERS.find((u) => u.key === key);
	if (!user) throw new Error(`no demo user ${key}`);
	return {
		email: user.email,
		password: user.password,
		id: (DEMO_IDS.users as Record<string, string>)[key] as string
	};
}

/** Students of a demo class, in seed order (25 per class). */
export function studentsOf(cls: 'shared' | 'teacherA' | 'teacherB'): string[] {
	const offset = { shared: 0, teacherA: 25, teacherB: 50 }[cls];
	return (DEMO_IDS['students'] as string[]).slice(offset, offset + 25);
}

export const stamp = (ms: number, counter: number, device: string): string =>
	formatStamp(ms, counter, device);

/** An op with a fresh UUIDv7 id and an empty base unless given. */
export function op(fields: Omit<Op, 'id' | 'base'> & { id?: string; base?: Op['base'] }): Op {
	return { id: fields.id ?? uuidv7(), base: fields.base ?? {}, ...fields } as Op;
}

/** The fields that create a result row (natural key plus class). */
export function resultKey(
	student: string,
	cls: string,
	assessment: string,
	period: string
): Record<string, Json> {
	return { student, class: cls, assessment, period };
}

/** A result op for a (student, class, assessment, period), creating it if needed. */
export function resultOp(args: {
	student: string;
	cls: string;
	assessment: string;
	period: string;
	fields: Record<string, Json>;
	stamp: string;
	base?: Op['base'];
}): Op {
	return op({
		collection: 'results' as SyncedCollection,
		record: resultId(args.student, args.cls, args.assessment, args.period),
		fields: { ...resultKey(args.student, args.cls, args.assessment, args.period), ...args.fields },
		stamp: args.stamp,
		...(args.base ? { base: args.base } : {})
	});
}

export interface Answer<T> {
	status: number;
	body: T;
}

/**
 * POST /api/sync/push, returning the status instead of throwing on 4xx. An
 * object body without `v` is sent at the current WIRE_VERSION (a string body
 * is sent as is: that is how a test sends a version-1 push without `v`).
 */
export async function push(
	pb: PocketBase,
	body: unknown
): Promise<Answer<PushResponse & { message?: string }>> {
	const res = await fetch(`${pb.baseURL}/api/sync/push`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(pb.authStore.token ? { authorization: pb.authStore.token } : {})
		},
		body: typeof body === 'string' ? body : JSON.stringify(versioned(body))
	});
	return { status: res.status, body: await res.json() };
}

function versioned(body: unknown): unknown {
	if (body === null || typeof body !== 'object' || Array.isArray(body) || 'v' in body) return body;
	return { v: WIRE_VERSION, ...body };
}

export async function pull(
	pb: PocketBase,
	device: string,
	since: number,
	limit = 500
): Promise<Answer<PullResponse & { message?: string }>> {
	const res = await fetch(
		`${pb.baseURL}/api/sync/pull?device=${device}&since=${since}&limit=${limit}`,
		{
			headers: pb.authStore.token ? { authorization: pb.authStore.token } : {}
		}
	);
	return { status: res.status, body: await res.json() };
}

/** Pulls every page from `since`; returns the changes and the final cursor. */
export async function pullAll(
	pb: PocketBase,
	device: string,
	since = 0,
	limit = 500
): Promise<{ changes: PullResponse['changes']; cursor: number }> {
	const changes: PullResponse['changes'] = [];
	let cursor = since;
	for (;;) {
		const page = await pull(pb, device, cursor, limit);
		if (page.status !== 200)
			throw new Error(`pull answered ${page.status}: ${JSON.stringify(page.body)}`);
		changes.push(...page.body.changes);
		cursor = page.body.cursor;
		if (!page.body.more) return { changes, cursor };
	}
}
