/** A seeded PocketBase for one test file, with teacher A and the office signed in. */
import type PocketBase from 'pocketbase';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from './pocketbase';
import { login } from './sync';

export interface SeededSchool {
	server: TestServer;
	/** Teacher A (3 Banksia and the shared class). */
	teacher: PocketBase;
	/** The office (superuser). */
	admin: PocketBase;
}

/**
 * Starts the demo school's server before the file's tests and stops it after
 * them. Call at the top of a test file; read the fields inside tests.
 */
export function seededSchool(): SeededSchool {
	const school = {} as SeededSchool;
	beforeAll(async () => {
		school.server = await startTestServer({ seed: true });
		const a = login('teacherA');
		school.teacher = await school.server.as(a.email, a.password);
		school.admin = await school.server.admin();
	});
	afterAll(() => school.server?.stop());
	return school;
}
