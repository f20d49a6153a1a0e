import { describe, expect, test } from 'vitest';
import { parseAssessment, type Assessment } from '$lib/domain/assessment';
import { resultId } from '$lib/sync/core/ids';
import type { FieldPath, SyncedCollection, WireRecord } from '$lib/sync/core/types';
import { acceptedValues, derivedOf, type Reader } from './data';

const parsed = parseAssessment({
	id: 'catch',
	name: 'Catch',
	framework: 'Vic FMS',
	kind: 'checklist',
	components: [
		{ key: 'c1', label: 'Eyes' },
		{ key: 'c2', label: 'Hands' }
	],
	levels: [],
	active: true
});
if (!parsed.ok) throw new Error(parsed.reason);
const CATCH: Assessment = parsed.assessment;
const KEY = { student: 's1', class: 'k1', assessment: 'catch', period: 'p1' };
const ID = resultId(KEY.student, KEY.class, KEY.assessment, KEY.period);

/** A replica holding one result whose `refused` paths the server refused. */
function reader(values: Record<string, number>, refused: FieldPath[]): Reader {
	const record = { id: ID, ...KEY, values, stamps: {}, seq: 1, deleted: false } as WireRecord;
	return {
		get: (c: SyncedCollection, id: string) => (c === 'results' && id === ID ? record : undefined),
		list: () => [],
		status: (_c: SyncedCollection, _id: string, path?: FieldPath) => ({
			status: (path === undefined ? refused.length > 0 : refused.includes(path))
				? 'rejected'
				: 'synced'
		})
	};
}

describe('a value the server refused never counts', () => {
	test('in the total or the level, while it stays in the record to be fixed', () => {
		const all = derivedOf(reader({ c1: 1, c2: 1 }, []), CATCH, KEY);
		expect(all).toMatchObject({ total: 2, level: 'mastery' });
		const refused = derivedOf(reader({ c1: 1, c2: 1 }, ['values.c2']), CATCH, KEY);
		expect(refused.total).toBe(1);
		expect(refused.level).not.toBe('mastery');
	});

	test('acceptedValues keeps the object when nothing is refused', () => {
		const v = { c1: 1 };
		expect(acceptedValues(v, () => false)).toBe(v);
		expect(acceptedValues({ c1: 1, c2: 0 }, (k) => k === 'c1')).toEqual({ c2: 0 });
	});
});
