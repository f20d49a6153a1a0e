/**
 * POST /api/office/staff against a real PocketBase: teachers and coordinators
 * from a CSV, every error case with its row, a dry run and a refused file that
 * write nothing, a second import that changes nothing, and a class list that
 * can then name the new teachers.
 */
import type PocketBase from 'pocketbase';
import { describe, expect, it } from 'vitest';
import { useSchool } from '../harness/devices';
import { login } from '../harness/sync';
import { postOfficeCsv } from '../harness/office';

const school = useSchool();

const send = (pb: PocketBase | null, csv: string, path: 'roster' | 'staff' = 'staff', query = '') =>
	postOfficeCsv(school.server.url, pb, path, csv, query);

async function count(admin: PocketBase, filter = ''): Promise<number> {
	return (await admin.collection('users').getList(1, 1, { filter })).totalItems;
}

/** Twelve class teachers and a coordinator, with a BOM, semicolons and quoted names. */
function staffFile(): string {
	const lines = ['email;name;role'];
	for (let i = 0; i < 12; i++) lines.push(`T${i}.Teacher@School.example;"O’Neill; Teacher ${i}";`);
	lines.push('head.pe@school.example;Ngaio Tūhoe;Coordinator');
	return '\ufeff' + lines.join('\r\n') + '\r\n';
}

describe('staff import', () => {
	it('refuses anyone but the office, and a body that is not CSV', async () => {
		const teacher = await school.server.as(login('teacherA').email, login('teacherA').password);
		expect((await send(null, 'email,name\n')).status).toBe(401);
		expect((await send(teacher, 'email,name\nme@x.example,Me,coordinator\n')).status).toBe(403);
		const json = await fetch(`${school.server.url}/api/office/staff`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: school.admin.authStore.token },
			body: '{}'
		});
		expect(json.status).toBe(415);
	});

	it('answers every error with its row and column, and writes nothing', async () => {
		const before = await count(school.admin);
		const csv = [
			'email,name,role',
			'ok.one@school.example,Ok One,teacher',
			'not-an-email,Bad Email,teacher',
			'OK.ONE@school.example,Same Email,teacher',
			'empty.name@school.example,,teacher',
			'bad.role@school.example,Bad Role,principal'
		].join('\n');
		const dry = await send(school.admin, csv, 'staff', '?dryRun=1');
		expect(dry.status).toBe(200);
		expect(dry.body.errors.map((e) => [e.row, e.column])).toEqual([
			[3, 'email'],
			[4, 'email'],
			[5, 'name'],
			[6, 'role']
		]);
		expect(dry.body.errors[1]?.reason).toContain('row 2');
		const real = await send(school.admin, csv);
		expect(real.status).toBe(400);
		expect(await count(school.admin)).toBe(before);

		const columns = await send(school.admin, 'email,house\nx@y.example,Red\n');
		expect(columns.status).toBe(400);
		expect(columns.body.errors.map((e) => e.column)).toEqual(['house', 'name']);

		const skipped = await send(school.admin, csv, 'staff', '?skipErrors=1');
		expect(skipped.status).toBe(200);
		expect(skipped.body).toMatchObject({ created: 1 });
		expect(await count(school.admin)).toBe(before + 1);
	});

	it('brings in a staff list once, then a class list names them; the second import changes nothing', async () => {
		const before = await count(school.admin);
		const dry = await send(school.admin, staffFile(), 'staff', '?dryRun=1');
		expect(dry.body).toMatchObject({ created: 13, updated: 0, unchanged: 0, errors: [] });
		expect(await count(school.admin)).toBe(before);

		const real = await send(school.admin, staffFile(), 'staff', '?sendResets=1');
		expect(real.status).toBe(200);
		expect(real.body).toMatchObject({ created: 13, errors: [] });
		// Every new person is either emailed or listed with the reason (no mail server here).
		expect((real.body.emailed?.length ?? 0) + (real.body.notEmailed?.length ?? 0)).toBe(13);
		expect(await count(school.admin)).toBe(before + 13);
		const head = await school.admin
			.collection('users')
			.getFirstListItem('email = "head.pe@school.example"');
		expect(head['role']).toBe('coordinator');
		expect(head['name']).toBe('Ngaio Tūhoe');
		const t3 = await school.admin
			.collection('users')
			.getFirstListItem('email = "t3.teacher@school.example"');
		expect(t3['name']).toBe('O’Neill; Teacher 3');
		expect(t3['role']).toBe('teacher');

		const again = await send(school.admin, staffFile());
		expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 13 });
		expect(await count(school.admin)).toBe(before + 13);

		// A changed role is an update, not a new person.
		const promoted = await send(
			school.admin,
			'email,name,role\nt3.teacher@school.example,"O’Neill; Teacher 3",coordinator\n'
		);
		expect(promoted.body).toMatchObject({ created: 0, updated: 1 });
		expect((await school.admin.collection('users').getOne(t3.id))['role']).toBe('coordinator');

		// The class list can now name the new teachers.
		const roster = await send(
			school.admin,
			'student_number,given_name,family_name,class,teacher_emails\n88001,Ana,Silva,7 Jacaranda,t0.teacher@school.example\n',
			'roster'
		);
		expect(roster.status).toBe(200);
		const cls = await school.admin.collection('classes').getFirstListItem('name = "7 Jacaranda"');
		const t0 = await school.admin
			.collection('users')
			.getFirstListItem('email = "t0.teacher@school.example"');
		expect(cls['teachers']).toEqual([t0.id]);
	});
});
