/**
 * A teacher's mark and the office's delete of the same result, against a real
 * PocketBase. The app's every result edit carries `deleted: false`
 * (`resultEdit`), merged last-writer-wins like any field: a mark made after
 * the delete brings the result back; one made before it (offline) loses to
 * it, and its teacher gets a notice instead of a mark that vanishes unseen.
 */
import { expect, it } from 'vitest';
import { componentEdit } from '../../src/lib/app/data';
import { seededSchool } from '../harness/school';
import { op, push, stamp, studentsOf } from '../harness/sync';
import { A_OWN, BALANCE, TERM3 } from '../harness/demo';

const school = seededSchool();

const DEVICE = 'dev_deleted_result';

/** The app's edit of one component, as the grid sends it, stamped at `ms`. */
async function mark(student: string, component: string, value: number, ms: number) {
	const edit = componentEdit(
		{ student, class: A_OWN, assessment: BALANCE, period: TERM3 },
		component,
		value
	);
	const res = await push(school.teacher, {
		device: DEVICE,
		ops: [
			op({
				collection: 'results',
				record: edit.id,
				fields: edit.fields,
				stamp: stamp(ms, 0, DEVICE)
			})
		]
	});
	expect(res.status).toBe(200);
	return { id: edit.id, answer: res.body.results[0] };
}

it('a mark made after the office deleted the result brings it back', async () => {
	const student = studentsOf('teacherA')[9] as string;
	const { id } = await mark(student, 'c1', 1, Date.now());
	await school.admin.collection('results').delete(id);
	expect((await school.admin.collection('results').getOne(id))['deleted']).toBe(true);
	await new Promise((r) => setTimeout(r, 5));
	const { answer } = await mark(student, 'c2', 1, Date.now());
	expect(answer).toMatchObject({ status: 'applied' });
	const stored = await school.admin.collection('results').getOne(id);
	expect(stored['deleted']).toBe(false);
	expect(stored['values']).toEqual({ c1: 1, c2: 1 });
});

it('a mark made offline before the delete loses to it, with a notice to its teacher', async () => {
	const student = studentsOf('teacherA')[10] as string;
	const { id } = await mark(student, 'c1', 1, Date.now());
	const before = Date.now();
	await new Promise((r) => setTimeout(r, 5));
	await school.admin.collection('results').delete(id);
	await mark(student, 'c2', 0, before); // made before the delete, arriving after it
	const stored = await school.admin.collection('results').getOne(id);
	expect(stored['deleted']).toBe(true);
	const notices = await school.admin.collection('conflicts').getFullList({
		filter: school.admin.filter('record = {:id} && field = "deleted"', { id })
	});
	expect(notices).toHaveLength(1);
	expect(notices[0]).toMatchObject({ mine: false, theirs: true, status: 'open' });
});
