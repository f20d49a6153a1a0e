import { describe, expect, it } from 'vitest';
import { formatStamp } from './core/stamp';
import type { WireRecord } from './core/types';
import { resendOps, type ResendContext } from './reset';

const ME = 'dev_me';
const st = (ms: number, device = ME) => formatStamp(1_767_225_600_000 + ms, 0, device);
const KEY = {
	student: 'stu000000000001',
	class: 'cls000000000001',
	assessment: 'asm000000000001',
	period: 'per000000000001'
};
const KEY_STAMPS = Object.fromEntries(Object.keys(KEY).map((k) => [k, st(1, 'dev_other')]));

function ctx(): ResendContext & { ids: number } {
	const c = {
		ids: 0,
		device: ME,
		newOpId: () => `op-${++c.ids}`,
		newStamp: () => st(999)
	};
	return c;
}

const local: WireRecord = {
	id: 'res000000000001',
	...KEY,
	values: { a: 1, b: 2, c: 3 },
	notes: 'mine',
	total: 6,
	stamps: {
		...KEY_STAMPS,
		'values.a': st(10, 'dev_other'),
		'values.b': st(20),
		'values.c': st(20),
		notes: st(30),
		total: st(31, 'server')
	},
	seq: 40,
	deleted: false
};

describe('resendOps', () => {
	it('re-sends own paths the server lacks or holds older, one op per stamp, with the server’s stamps as base', () => {
		const server: WireRecord = {
			id: local.id,
			...KEY,
			values: { a: 1, b: 0 },
			stamps: { ...KEY_STAMPS, 'values.a': st(10, 'dev_other'), 'values.b': st(5) },
			seq: 7,
			deleted: false
		};
		const ops = resendOps('results', local, server, new Set(), false, ctx());
		expect(ops).toEqual([
			{
				id: 'op-1',
				collection: 'results',
				record: local.id,
				fields: { 'values.b': 2, 'values.c': 3 },
				stamp: st(20),
				base: { 'values.b': st(5), 'values.c': null }
			},
			{
				id: 'op-2',
				collection: 'results',
				record: local.id,
				fields: { notes: 'mine' },
				stamp: st(30),
				base: { notes: null }
			}
		]);
	});

	it('re-sends nothing the server holds newer or equal, nothing of other devices, no server field, no queued path', () => {
		const server: WireRecord = {
			...local,
			values: { a: 1, b: 7 },
			stamps: { ...local.stamps, 'values.b': st(25, 'dev_other'), 'values.c': st(20) },
			seq: 9
		};
		delete server.stamps['notes'];
		const ops = resendOps('results', local, server, new Set(['notes']), true, ctx());
		expect(ops).toEqual([]);
	});

	it('re-creates a record the server lost: every op carries its set-once fields', () => {
		const ops = resendOps('results', local, undefined, new Set(['notes']), true, ctx());
		expect(ops).toEqual([
			{
				id: 'op-1',
				collection: 'results',
				record: local.id,
				fields: { ...KEY, 'values.b': 2, 'values.c': 3 },
				stamp: st(20),
				base: { 'values.b': null, 'values.c': null }
			}
		]);
	});

	it('re-creates a lost record with queued edits even when nothing of its own is lost', () => {
		const theirs: WireRecord = {
			...local,
			stamps: { ...KEY_STAMPS, 'values.a': st(10, 'dev_other') }
		};
		expect(resendOps('results', theirs, undefined, new Set(), false, ctx())).toEqual([]);
		const ops = resendOps('results', theirs, undefined, new Set(['values.b']), true, ctx());
		expect(ops).toEqual([
			{ id: 'op-1', collection: 'results', record: local.id, fields: KEY, stamp: st(999), base: {} }
		]);
	});

	it('re-sends an own delete as a delete; never writes collections the app cannot write', () => {
		const gone: WireRecord = {
			...local,
			deleted: true,
			stamps: { ...local.stamps, deleted: st(50) }
		};
		const server: WireRecord = { ...local, stamps: { ...local.stamps } };
		const ops = resendOps('results', gone, server, new Set(), false, ctx());
		expect(ops).toEqual([
			{
				id: 'op-1',
				collection: 'results',
				record: local.id,
				fields: {},
				stamp: st(50),
				base: { deleted: null },
				delete: true
			}
		]);
		const student: WireRecord = {
			id: 'stu000000000001',
			given_name: 'A',
			stamps: { given_name: st(1) },
			seq: 1,
			deleted: false
		};
		expect(resendOps('students', student, undefined, new Set(), false, ctx())).toEqual([]);
	});
});
