/**
 * A teacher's mark and the office's delete of the same result, against a real
 * PocketBase. The app's every result edit carries `deleted: false`
 * (`resultEdit`), merged last-writer-wins like any field: a mark made after
 * the delete brings the result back; one made before it (offline) loses to
 * it, and its teacher gets a notice instead of a mark that vanishes unseen.
 */
import type PocketBase from 'pocketbase';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { componentEdit } from '../../src/lib/app/data';
import { startTestServer, type TestServer } from '../harness/pocketbase';
import { login, op, push, stamp, studentsOf } from '../harness/sync';
import { A_OWN, BALANCE, TERM3 } from '../harness/demo';

let server: TestServer;
let teacher: PocketBase;
let admin: PocketBase;
beforeAll(async () => {
	server = await startTestServer({ seed: true });
	teacher = await server.as(login('teacherA').email, login('teacherA').password);
	admin = await server.admin();
});
afterAll(() => server?.stop());

const DEVICE = 'dev_deleted_result';

/** The app's edit of one component, as the grid sends it, stamped at `ms`. */
async function mark(student: string, component: string, value: number, ms: number) {
	const edit = componentEdit(
		{ student, class: A_OWN, assessment: BALANCE, period: TERM3 },
		component,
		value
	);
	const res = await push(teacher, {
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
	await admin.collection('results').delete(id);
	expect((await admin.collection('results').getOne(id))['deleted']).toBe(true);
	await new Promise((r) => setTimeout(r, 5));
	const { answer } = await mark(student, 'c2', 1, Date.now());
	expect(answer).toMatchObject({ status: 'applied' });
	const stored = await admin.collection('results').getOne(id);
	expect(stored['deleted']).toBe(false);
	expect(stored['values']).toEqual({ c1: 1, c2: 1 });
});

it('a mark made offline before the delete loses to it, with a notice to its teacher', async () => {
	const student = studentsOf('teacherA')[10] as string;
	const { id } = await mark(student, 'c1', 1, Date.now());
	const before = Date.now();
	await new Promise((r) => setTimeout(r, 5));
	await admin.collection('results').delete(id);
	await mark(student, 'c2', 0, before); // made before the delete, arriving after it
	const stored = await admin.collection('results').getOne(id);
	expect(stored['deleted']).toBe(true);
	const notices = await admin.collection('conflicts').getFullList({
		filter: admin.filter('record = {:id} && field = "deleted"', { id })
	});
	expect(notices).toHaveLength(1);
	expect(notices[0]).toMatchObject({ mine: false, theirs: true, status: 'open' });
});
