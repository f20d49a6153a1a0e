import { describe, expect, it } from 'vitest';
import { parseStaff, planStaff } from './staff';

describe('staff list', () => {
	it('reads emails in any case, a missing role as teacher, and semicolons with quotes', () => {
		const parsed = parseStaff('\ufeffEmail;Name;Role\r\nA.B@School.example;"Lee; Ann";\r\n');
		expect(parsed.errors).toEqual([]);
		expect(parsed.rows).toEqual([
			{ row: 2, email: 'a.b@school.example', name: 'Lee; Ann', role: 'teacher' }
		]);
	});

	it('plans new, changed and unchanged people by email, and never removes anyone', () => {
		const parsed = parseStaff(
			'email,name,role\nnew@s.example,New One,\nsame@s.example,Same,teacher\nup@s.example,Up,coordinator\n'
		);
		const plan = planStaff(parsed, {
			users: [
				{ id: 'u1', email: 'SAME@s.example', name: 'Same', role: 'teacher' },
				{ id: 'u2', email: 'up@s.example', name: 'Up', role: 'teacher' },
				{ id: 'u3', email: 'gone@s.example', name: 'Not in file', role: 'teacher' }
			]
		});
		expect(plan.rows.map((r) => [r.email, r.action])).toEqual([
			['new@s.example', 'new'],
			['same@s.example', 'unchanged'],
			['up@s.example', 'changed']
		]);
		expect(plan.writes.map((w) => w.id)).toEqual([null, 'u2']);
		expect(plan).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
	});
});
