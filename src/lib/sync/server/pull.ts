/**
 * GET /api/sync/pull and GET /api/sync/status.
 *
 * Every synced record carries `seq`, the server's change sequence number when
 * it last changed; one counter for all collections, handed out inside write
 * transactions, so sequence numbers commit in order and a cursor never skips
 * a change.
 */
import { isClientDeviceId } from '../core/stamp';
import type { Change, SyncedCollection } from '../core/types';
import { SYNCED_COLLECTIONS } from '../../domain/collections';
import { countsOfQuery } from './counts';
import type { Actor, HandlerAnswer, Scope, ServerStore } from './store';

export const PULL_DEFAULT_LIMIT = 500;
export const PULL_MAX_LIMIT = 2000;

const fail = (status: number, message: string): HandlerAnswer => ({
	status,
	body: { status, message }
});

function intParam(raw: string | undefined, fallback: number): number | null {
	if (raw === undefined || raw === '') return fallback;
	if (!/^\d{1,15}$/.test(raw)) return null;
	return Number(raw);
}

/** Checks the device is this user's and active; registers a new one. */
export function checkDevice(
	device: unknown,
	actor: Actor,
	store: ServerStore
): HandlerAnswer | null {
	if (!isClientDeviceId(device))
		return fail(
			400,
			'"device" must be the device id (letters, digits, _ and -), and not one the server uses (server, rest-api, admin-ui…).'
		);
	const row = store.getDevice(device);
	if (!row) {
		store.registerDevice(device, actor.id);
		return null;
	}
	if (row.user !== actor.id) return fail(403, 'This device is registered to another teacher.');
	if (!row.active)
		return fail(
			403,
			'This device has been deactivated (switched off on the Devices page, by its teacher or the school office). Ask the school office to switch it back on.'
		);
	return null;
}

export function scopeOf(actor: Actor, store: ServerStore): Scope {
	return {
		all: actor.role === 'coordinator',
		user: actor.id,
		classes: store.classesTaughtBy(actor.id).sort()
	};
}

export function handlePull(
	query: { [key: string]: string | undefined },
	actor: Actor,
	store: ServerStore
): HandlerAnswer {
	// Before the device check, which registers a new device: a bad count changes nothing.
	const counts = countsOfQuery(query);
	if ('message' in counts) return fail(400, counts.message);
	const denied = checkDevice(query['device'], actor, store);
	if (denied) return denied;
	const device = query['device'] as string;
	const since = intParam(query['since'], 0);
	const limit = intParam(query['limit'], PULL_DEFAULT_LIMIT);
	if (since === null)
		return fail(400, '"since" must be a whole number (the cursor of the last pull).');
	if (limit === null || limit < 1 || limit > PULL_MAX_LIMIT)
		return fail(400, `"limit" must be between 1 and ${PULL_MAX_LIMIT}.`);

	const epoch = store.epoch();
	const asked = query['epoch'];
	// The device's cursor belongs to other data (a restore, a replaced database)
	// or is ahead of anything handed out here: it means nothing. The device
	// fetches everything from 0 and re-sends its own edits this data lacks.
	if ((asked !== undefined && asked !== '' && asked !== epoch) || since > store.currentSeq()) {
		return {
			status: 200,
			body: { changes: [], cursor: 0, more: false, reset: true, scopeChanged: false, epoch }
		};
	}

	const scope = scopeOf(actor, store);
	if (!scope.all) {
		// A class added to the teacher's scope holds records older than the
		// cursor, and a class removed from it must leave the device: either way
		// the device fetches everything again, from 0, and drops what is not sent.
		const known = store.getDeviceScope(device);
		if (since === 0) store.setDeviceScope(device, scope.classes);
		else if (known === null || known.join(',') !== scope.classes.join(',')) {
			return {
				status: 200,
				body: { changes: [], cursor: 0, more: true, scopeChanged: true, epoch }
			};
		}
	}

	if (store.pageSince) {
		// The store builds the page as JSON text in one query (the same changes, in seq order).
		const page = store.pageSince(since, limit, scope);
		const last = page.count > 0 ? page.lastSeq : since;
		const cursor = page.more ? last : Math.max(last, store.currentSeq());
		store.touchDevice(device, { ...counts, cursor });
		return {
			status: 200,
			body: { cursor, more: page.more, scopeChanged: false, epoch },
			changesJson: page.json
		};
	}

	const changes: Change[] = [];
	for (const collection of SYNCED_COLLECTIONS as readonly SyncedCollection[]) {
		for (const record of store.changesSince(collection, since, limit + 1, scope))
			changes.push({ collection, record });
	}
	changes.sort((a, b) => a.record.seq - b.record.seq);
	const more = changes.length > limit;
	const page = more ? changes.slice(0, limit) : changes;
	const last = page.length > 0 ? (page[page.length - 1] as Change).record.seq : since;
	// With nothing more to send, everything up to the current sequence number
	// has been seen (the rest is out of this user's scope).
	const cursor = more ? last : Math.max(last, store.currentSeq());
	store.touchDevice(device, { ...counts, cursor });
	return { status: 200, body: { changes: page, cursor, more, scopeChanged: false, epoch } };
}

export function handleStatus(
	query: { [key: string]: string | undefined },
	actor: Actor,
	store: ServerStore
): HandlerAnswer {
	const denied = checkDevice(query['device'], actor, store);
	if (denied) return denied;
	return {
		status: 200,
		body: {
			device: store.getDeviceStatus(query['device'] as string),
			cursor: store.currentSeq(),
			serverTime: store.now(),
			epoch: store.epoch()
		}
	};
}
