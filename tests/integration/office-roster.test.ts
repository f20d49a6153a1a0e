/**
 * POST /api/office/roster and /api/office/periods against a real PocketBase:
 * a realistic 300-row file, every error case with its row, dry runs that write
 * nothing, a second import that changes nothing, and imported students that
 * reach a teacher's device by pull and by realtime.
 */
import 'fake-indexeddb/auto';
import type PocketBase from 'pocketbase';
import { describe, expect, it } from 'vitest';
import { installEventSource } from '../harness/event-source';
import { useSchool, waitFor } from '../harness/devices';
import { login } from '../harness/sync';
import { A_OWN } from '../harness/demo';
import { postOfficeCsv } from '../harness/office';

installEventSource();
const school = useSchool();

const send = (pb: PocketBase | null, csv: string, query = '', type?: string) =>
	postOfficeCsv(school.server.url, pb, 'roster', csv, query, type);

const HEADER = 'student_number,given_name,family_name,class,year_level,teacher_emails';
const GIVEN = ['Zoë', 'Seán', 'Aoife', 'Mía', 'José', 'Chloé', 'Hamza', 'Ngaio', 'Li', 'Anaïs'];
const FAMILY = [
	'O’Brien',
	"D'Arcy",
	'Nguyen, Jr',
	'Müller',
	'Ōtake',
	'Smith-Jones',
	'Tūhoe',
	'García',
	'Kowalski',
	'Øberg'
];

/** 300 students in 12 new classes (3 taught by teacher A), with a BOM and quoted fields. */
function bigFile(): string {
	const a = login('teacherA').email;
	const lines = [HEADER];
	for (let i = 0; i < 300; i++) {
		const cls = `Year ${3 + (i % 4)} ${['Banksia', 'Grevillea', 'Waratah'][i % 3]}`;
		const q = (s: string) => (/[,"]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
		lines.push(
			[
				`2027${String(i).padStart(4, '0')}`,
				q(GIVEN[i % 10] as string),
				q(FAMILY[(i * 7) % 10] as string),
				q(cls),
				String(3 + (i % 4)),
				cls.endsWith('Banksia') ? a : ''
			].join(',')
		);
	}
	return '\ufeff' + lines.join('\r\n') + '\r\n';
}

async function count(admin: PocketBase, collection: string, filter = ''): Promise<number> {
	return (await admin.collection(collection).getList(1, 1, { filter })).totalItems;
}

describe('roster import', () => {
	it('refuses anyone but the office, and a body that is not CSV', async () => {
		const teacher = await school.server.as(login('teacherA').email, login('teacherA').password);
		expect((await send(null, HEADER)).status).toBe(401);
		expect((await send(teacher, HEADER)).status).toBe(403);
		expect((await send(school.admin, '{}', '', 'application/json')).status).toBe(415);
	});

	it('answers every error with its row and column, and writes nothing', async () => {
		const before = await count(school.admin, 'students');
		const csv = [
			HEADER,
			'30001,Ann,Lee,9 Test,4,',
			'30002,,Lee,9 Test,4,',
			'30001,Bo,Lee,9 Test,4,',
			'30003,Cy,Lee,9 Test,4,nobody@nowhere.test',
			'30004,Di,Lee,,4,'
		].join('\n');
		const dry = await send(school.admin, csv, '?dryRun=1');
		expect(dry.status).toBe(200);
		expect(dry.body.errors.map((e) => [e.row, e.column])).toEqual([
			[3, 'given_name'],
			[4, 'student_number'],
			[5, 'teacher_emails'],
			[6, 'class']
		]);
		const real = await send(school.admin, csv);
		expect(real.status).toBe(400);
		expect(real.body.errors).toHaveLength(4);
		expect(await count(school.admin, 'students')).toBe(before);

		const columns = await send(school.admin, 'student_number,given_name,class,house\n1,A,4W,Red\n');
		expect(columns.status).toBe(400);
		expect(columns.body.errors.map((e) => e.column)).toEqual(['house', 'family_name']);

		// With skipErrors the good row goes in and the bad ones are still listed.
		const skipped = await send(school.admin, csv, '?skipErrors=1');
		expect(skipped.status).toBe(200);
		expect(skipped.body).toMatchObject({ created: { students: 1, classes: 1 } });
		expect(await count(school.admin, 'students')).toBe(before + 1);
	});

	it('imports 300 students once: a dry run writes nothing, the import is audited, the second is a no-op', async () => {
		const csv = bigFile();
		const students = await count(school.admin, 'students');
		const audits = await count(school.admin, 'audit_log');
		const dry = await send(school.admin, csv, '?dryRun=1');
		expect(dry.body).toMatchObject({
			created: { students: 300, classes: 12 },
			updated: 0,
			unchanged: 0,
			errors: []
		});
		expect(await count(school.admin, 'students')).toBe(students);
		expect(await count(school.admin, 'audit_log')).toBe(audits);

		const first = await send(school.admin, csv);
		expect(first.status).toBe(200);
		expect(first.body).toMatchObject({
			created: { students: 300, classes: 12 },
			updated: 0,
			errors: []
		});
		expect(await count(school.admin, 'students')).toBe(students + 300);
		expect(await count(school.admin, 'audit_log')).toBe(audits + 312);
		const zoe = await school.admin
			.collection('students')
			.getFirstListItem('student_number = "20270000"');
		expect(zoe).toMatchObject({ given_name: 'Zoë', family_name: 'O’Brien', deleted: false });
		expect(Object.keys(zoe['stamps'])).toEqual(expect.arrayContaining(['given_name', 'classes']));
		expect(zoe['seq']).toBeGreaterThan(0);
		const nguyen = await school.admin
			.collection('students')
			.getFirstListItem('family_name = "Nguyen, Jr"');
		expect(nguyen['given_name']).toBeTruthy();

		const second = await send(school.admin, csv);
		expect(second.body).toMatchObject({
			created: { students: 0, classes: 0 },
			updated: 0,
			unchanged: 300
		});
		expect(await count(school.admin, 'audit_log')).toBe(audits + 312);
	});

	it('moves a student between the file’s classes and reaches a teacher’s device by realtime and pull', async () => {
		const device = await school.device('teacherA', { realtime: true, storage: 'memory' });
		await device.sync();
		await waitFor(() => device.net.connects > 0, 10_000, 'realtime');
		await new Promise((r) => setTimeout(r, 200));
		const aClass = await school.admin.collection('classes').getOne(A_OWN);
		const csv = `${HEADER}\n40001,Ruby,Tan,${aClass['name']},,\n`;
		const answer = await send(school.admin, csv);
		expect(answer.body).toMatchObject({ created: { students: 1, classes: 0 } });
		const ruby = await school.admin
			.collection('students')
			.getFirstListItem('student_number = "40001"');
		await waitFor(
			() => device.engine.get('students', ruby.id) !== undefined,
			5_000,
			'realtime to bring Ruby'
		);

		const later = await school.device('teacherA', { storage: 'memory' });
		await later.sync();
		expect(later.engine.get('students', ruby.id)).toMatchObject({
			given_name: 'Ruby',
			classes: [A_OWN]
		});
	});
});

describe('a new school year', () => {
	it('creates the year’s periods from a template, refusing names the school has', async () => {
		const post = (body: unknown) =>
			fetch(`${school.server.url}/api/office/periods`, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					authorization: school.admin.authStore.token
				},
				body: JSON.stringify(body)
			});
		const before = await count(school.admin, 'periods');
		const clash = await post({
			periods: [{ name: 'Term 1 2026', starts: '2027-01-27', ends: '2027-04-02' }]
		});
		expect(clash.status).toBe(400);
		expect(((await clash.json()) as { message: string }).message).toContain('already exists');
		const ok = await post({
			periods: [
				{ name: 'Semester 1 2027', starts: '2027-01-27', ends: '2027-06-25' },
				{ name: 'Semester 2 2027', starts: '2027-07-12', ends: '2027-12-17' }
			]
		});
		expect(ok.status).toBe(200);
		expect(await count(school.admin, 'periods')).toBe(before + 2);
		const s1 = await school.admin
			.collection('periods')
			.getFirstListItem('name = "Semester 1 2027"');
		expect(s1['starts']).toBe('2027-01-27 00:00:00.000Z');
		expect(s1['seq']).toBeGreaterThan(0);
		// Last year's terms are untouched.
		expect(await count(school.admin, 'periods', 'name ~ "2026" && deleted = false')).toBe(4);
	});
});
