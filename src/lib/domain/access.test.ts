import { describe, expect, test } from 'vitest';
import { mayRead, readSql, recordsFor, type Reader } from './access';

const teacher = (classes: string[], studentClasses: Record<string, string[]> = {}): Reader => ({
	user: 'u1',
	all: false,
	teaches: (c) => classes.indexOf(c) >= 0,
	classesOfStudent: (s) => studentClasses[s] ?? []
});
const coordinator: Reader = {
	user: 'co',
	all: true,
	teaches: () => false,
	classesOfStudent: () => []
};

describe('mayRead: the access table as a predicate', () => {
	test('a teacher reads the records of the classes they teach, and no others', () => {
		const t = teacher(['A'], { s1: ['A', 'B'], s2: ['B'] });
		expect(mayRead('results', { class: 'A' }, t)).toBe(true);
		expect(mayRead('results', { class: 'B' }, t)).toBe(false);
		expect(mayRead('observations', { class: 'B' }, t)).toBe(false);
		expect(mayRead('students', { classes: ['B', 'A'] }, t)).toBe(true);
		expect(mayRead('students', { classes: ['B'] }, t)).toBe(false);
		expect(mayRead('classes', { id: 'A' }, t)).toBe(true);
		expect(mayRead('classes', { id: 'B', teachers: ['u2'] }, t)).toBe(false);
		expect(mayRead('classes', { id: 'C', teachers: ['u1'] }, t)).toBe(true);
		// An attempt is its class's, even of a student the teacher also teaches elsewhere.
		expect(mayRead('attempts', { student: 's1', class: 'A' }, t)).toBe(true);
		expect(mayRead('attempts', { student: 's1', class: 'B' }, t)).toBe(false);
		expect(mayRead('periods', {}, t)).toBe(true);
	});

	test('conflict notices are their owner’s only, coordinators included', () => {
		expect(mayRead('conflicts', { user: 'u1' }, teacher([]))).toBe(true);
		expect(mayRead('conflicts', { user: 'u2' }, teacher([]))).toBe(false);
		expect(mayRead('conflicts', { user: 'u2' }, coordinator)).toBe(false);
		expect(mayRead('conflicts', { user: '' }, { ...coordinator, user: '' })).toBe(false);
	});

	test('a coordinator reads every class', () => {
		expect(mayRead('results', { class: 'Z' }, coordinator)).toBe(true);
		expect(mayRead('attempts', { student: 'nobody' }, coordinator)).toBe(true);
	});
});

describe('readSql', () => {
	test('coordinators get no condition but on their own notices; teachers one per scope', () => {
		expect(readSql('results', { all: true })).toBe('');
		expect(readSql('conflicts', { all: true })).toBe('`user` = {:user}');
		expect(readSql('periods', { all: false })).toBe('');
		expect(readSql('results', { all: false })).toContain('{:classes}');
	});
});

describe('recordsFor', () => {
	test('is true only for a teacher the class names (a coordinator reads more than she records)', () => {
		expect(recordsFor('t1', { teachers: ['t1', 't2'] })).toBe(true);
		expect(recordsFor('coord', { teachers: ['t1'] })).toBe(false);
		expect(recordsFor('', { teachers: [''] })).toBe(false);
	});
});
