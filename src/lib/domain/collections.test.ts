import { describe, expect, it } from 'vitest';
import { clientFields, ruleFor, SCHEMAS, SYNCED_COLLECTIONS } from './collections';

describe('SCHEMAS', () => {
	it('covers every synced collection', () => {
		expect(Object.keys(SCHEMAS).sort()).toEqual([...SYNCED_COLLECTIONS].sort());
		for (const c of SYNCED_COLLECTIONS) expect(SCHEMAS[c].collection).toBe(c);
	});

	it('results: components and notes are lww, natural keys immutable, derived fields server', () => {
		expect(ruleFor('results', 'values.run_3')).toBe('lww');
		expect(ruleFor('results', 'notes')).toBe('lww');
		for (const k of ['student', 'class', 'assessment', 'period'])
			expect(ruleFor('results', k)).toBe('immutable');
		for (const k of ['total', 'level', 'best_time']) expect(ruleFor('results', k)).toBe('server');
		expect(ruleFor('results', 'values')).toBeNull();
		expect(ruleFor('results', 'notes.x')).toBeNull();
		expect(ruleFor('results', 'deleted')).toBe('lww');
		expect(ruleFor('results', 'seq')).toBeNull();
		expect(SCHEMAS.results.naturalKey).toEqual(['student', 'class', 'assessment', 'period']);
	});

	it('attempts and observations are set-once; conflicts only take a status', () => {
		expect(clientFields('attempts').sort()).toEqual([
			'assessment',
			'by',
			'class',
			'period',
			'seconds',
			'student',
			'taken_at'
		]);
		for (const f of clientFields('attempts')) expect(ruleFor('attempts', f)).toBe('immutable');
		expect(clientFields('observations').sort()).toEqual(['by', 'class', 'student', 'text']);
		expect(clientFields('conflicts')).toEqual(['status']);
		expect(SCHEMAS.conflicts.clientCreates).toBe(false);
	});

	it('devices cannot write classes, students, periods or assessments', () => {
		for (const c of ['classes', 'students', 'periods', 'assessments'] as const) {
			expect(SCHEMAS[c].clientWritable).toBe(false);
			expect(clientFields(c)).toEqual([]);
		}
	});
});
