import { describe, expect, test } from 'vitest';
import { parseRoster, planRoster, ROSTER_TEMPLATE, type RosterWorld } from './roster';
import { checkPeriods, periodsFromTemplate } from './periods';

const empty: RosterWorld = {
	students: [],
	classes: [],
	users: [{ id: 'u1', email: 'ann@school.test' }]
};

describe('parseRoster', () => {
	test('reads a BOM, semicolons, quoted fields with commas, apostrophes and accents', () => {
		const csv =
			'\ufeffstudent_number;given_name;family_name;class;year_level;teacher_emails\n' +
			'1;"Zoë";"O’Brien, Jr";4 Wattle;4;Ann@School.test\n' +
			'2;Seán;D\'Arcy;"4 Wattle";;\n';
		const { rows, errors } = parseRoster(csv);
		expect(errors).toEqual([]);
		expect(rows).toEqual([
			{
				row: 2,
				student_number: '1',
				given_name: 'Zoë',
				family_name: 'O’Brien, Jr',
				class: '4 Wattle',
				year_level: 4,
				teacher_emails: ['ann@school.test']
			},
			{
				row: 3,
				student_number: '2',
				given_name: 'Seán',
				family_name: "D'Arcy",
				class: '4 Wattle',
				year_level: null,
				teacher_emails: []
			}
		]);
	});

	test('refuses unknown and missing columns by name, on row 1', () => {
		const { errors } = parseRoster('student_number,given_name,class,shoe_size\n1,A,4W,9\n');
		expect(errors.map((e) => [e.row, e.column])).toEqual([
			[1, 'shoe_size'],
			[1, 'family_name']
		]);
	});

	test('names each bad cell with its row: empty name, duplicate number, bad year, bad email', () => {
		const csv = [
			'student_number,given_name,family_name,class,year_level,teacher_emails',
			'1,,Lee,4W,4,',
			'2,Bo,Lee,4W,13,',
			'3,Cy,Lee,4W,4,not-an-email',
			'3,Di,Lee,4W,4,'
		].join('\n');
		const { rows, errors } = parseRoster(csv);
		expect(rows).toEqual([]);
		expect(errors.map((e) => [e.row, e.column])).toEqual([
			[2, 'given_name'],
			[3, 'year_level'],
			[4, 'teacher_emails'],
			[5, 'student_number']
		]);
		expect(errors[3]?.reason).toContain('row 4');
	});

	test('the template reads without errors', () => {
		expect(parseRoster(ROSTER_TEMPLATE).errors).toEqual([]);
	});
});

describe('planRoster', () => {
	const csv =
		'student_number,given_name,family_name,class,teacher_emails\n1,Al,Ng,4W,ann@school.test\n2,Bo,Ng,5K,\n';

	test('on an empty school: creates the classes (with teachers) and students', () => {
		const plan = planRoster(parseRoster(csv), empty);
		expect(plan.created).toEqual({ students: 2, classes: 2 });
		expect(plan.updated).toBe(0);
		expect(plan.errors).toEqual([]);
		expect(plan.writes.filter((w) => w.collection === 'classes').map((w) => w.fields)).toEqual([
			{ name: '4W', year_level: null, teachers: ['u1'] },
			{ name: '5K', year_level: null, teachers: [] }
		]);
	});

	test('over the school it made: nothing to change', () => {
		const world: RosterWorld = {
			users: empty.users,
			classes: [
				{ id: 'c4', name: '4W', year_level: null, teachers: ['u1'] },
				{ id: 'c5', name: '5K', year_level: null, teachers: [] }
			],
			students: [
				{ id: 's1', student_number: '1', given_name: 'Al', family_name: 'Ng', classes: ['c4'] },
				{
					id: 's2',
					student_number: '2',
					given_name: 'Bo',
					family_name: 'Ng',
					classes: ['c5', 'cX']
				}
			]
		};
		const plan = planRoster(parseRoster(csv), world);
		expect(plan).toMatchObject({
			created: { students: 0, classes: 0 },
			updated: 0,
			unchanged: 2,
			writes: []
		});
	});

	test('a move between the file’s classes keeps memberships of other classes', () => {
		const world: RosterWorld = {
			users: empty.users,
			classes: [
				{ id: 'c4', name: '4W', year_level: null, teachers: ['u1'] },
				{ id: 'c5', name: '5K', year_level: null, teachers: [] }
			],
			students: [
				{
					id: 's1',
					student_number: '1',
					given_name: 'Al',
					family_name: 'Ng',
					classes: ['c5', 'cX']
				}
			]
		};
		const plan = planRoster(parseRoster(csv), world);
		expect(plan.writes.find((w) => w.id === 's1')?.fields).toEqual({ classes: ['cX', 'c4'] });
	});

	test('an unknown teacher email is an error on its row', () => {
		const plan = planRoster(
			parseRoster(
				'student_number,given_name,family_name,class,teacher_emails\n1,A,B,4W,zed@school.test\n'
			),
			empty
		);
		expect(plan.errors).toEqual([
			{ row: 2, column: 'teacher_emails', reason: expect.stringContaining('zed@school.test') }
		]);
		expect(plan.writes).toEqual([]);
	});
});

describe('periodsFromTemplate', () => {
	test('four terms, two semesters or four quarters, each valid and new', () => {
		expect(periodsFromTemplate('terms', 2027).map((p) => p.name)).toEqual([
			'Term 1 2027',
			'Term 2 2027',
			'Term 3 2027',
			'Term 4 2027'
		]);
		expect(periodsFromTemplate('semesters', 2027)).toEqual([
			{ name: 'Semester 1 2027', starts: '2027-01-27', ends: '2027-06-26' },
			{ name: 'Semester 2 2027', starts: '2027-07-13', ends: '2027-12-18' }
		]);
		for (const t of ['terms', 'semesters', 'quarters'] as const) {
			expect(checkPeriods(periodsFromTemplate(t, 2027), ['Term 1 2026'])).toBeNull();
		}
	});

	test('refuses a name the school has, an end before the start, and a non-date', () => {
		expect(checkPeriods(periodsFromTemplate('terms', 2026), ['Term 1 2026'])).toContain(
			'already exists'
		);
		expect(checkPeriods([{ name: 'X', starts: '2027-05-01', ends: '2027-04-01' }], [])).toContain(
			'ends before'
		);
		expect(checkPeriods([{ name: 'X', starts: 'soon', ends: '2027-04-01' }], [])).toContain('date');
	});
});
