import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { HOP } from '$lib/domain/fixtures.test-helpers';
import type { Json, SyncedCollection, WireRecord } from '$lib/sync/core/types';
import { componentEdit, type Reader } from './data';
import { classResultsCsv } from './export';
import { statusEdit } from './status';

const CLASS = { id: 'cls000000000001', name: '3 Banksia', yearLevel: 3, teachers: [] };
const PERIOD = { id: 'per000000000001', name: 'Term 1 2026', starts: null, ends: null };

const rec = (id: string, fields: Record<string, Json>): WireRecord =>
	({ id, stamps: {}, seq: 1, deleted: false, ...fields }) as WireRecord;

function school(): Reader {
	const kid = (n: number, family: string) =>
		rec(`stu00000000000${n}`, {
			given_name: `Kid${n}`,
			family_name: family,
			student_number: `S${n}`,
			classes: [CLASS.id]
		});
	const key = (n: number) => ({
		student: `stu00000000000${n}`,
		class: CLASS.id,
		assessment: HOP.id,
		period: PERIOD.id
	});
	const marked = componentEdit(key(1), 'c1', 1);
	const away = statusEdit(key(2), { kind: 'absent', on: '2026-03-02' });
	const db: Partial<Record<SyncedCollection, WireRecord[]>> = {
		students: [kid(1, 'Avery'), kid(2, 'Brown')],
		results: [rec(marked.id, { ...key(1), values: { c1: 1 } }), rec(away.id, away.fields)]
	};
	return {
		get: (c, id) => db[c]?.find((r) => r.id === id),
		list: (c, p) => (db[c] ?? []).filter((r) => !p || p(r))
	};
}

describe('classResultsCsv', () => {
	it('has a status column per assessment: the kind and its day, empty when there', () => {
		const rows = Papa.parse<string[]>(classResultsCsv(school(), CLASS, PERIOD, [HOP])).data;
		const header = rows[0] ?? [];
		const col = header.indexOf('Hop: status');
		expect(col).toBe(header.length - 1);
		expect(rows[1]?.[2]).toBe('Kid1');
		expect(rows[1]?.[col]).toBe('');
		expect(rows[2]?.[2]).toBe('Kid2');
		expect(rows[2]?.[col]).toBe('Absent (2026-03-02)');
		// The absent child has no marks, total or level.
		expect(rows[2]?.slice(3, col).every((cell) => cell === '')).toBe(true);
	});
});
