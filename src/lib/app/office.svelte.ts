/**
 * The Office page's client: its own PocketBase client signed in as a
 * superuser (office staff), kept apart from the teacher's session so signing
 * in here never stops or changes a teacher's sync on the same browser.
 */
import PocketBase, { ClientResponseError, LocalAuthStore, type RecordModel } from 'pocketbase';
import type { CsvError, PeriodDraft, RosterPlan, StaffAnswer } from '$lib/domain';
import { resultId } from '$lib/sync/core/ids';
import type { Json } from '$lib/sync/core/types';
import { sendCorrection, type CorrectionAnswer } from './correction';
import type { ResultKey } from './data';

/** What every CSV import answers: problems by row, and per row what it does. */
export interface CsvAnswer {
	errors: CsvError[];
	rows: { row: number; action: 'new' | 'changed' | 'unchanged' }[];
	message?: string;
}

export interface RosterAnswer extends CsvAnswer {
	created: { students: number; classes: number };
	updated: number;
	unchanged: number;
	rows: RosterPlan['rows'];
}

export type { ResultKey, StaffAnswer };

/** A refusal's words: the server's reason when it gave one. */
export function reasonOf(e: unknown): string {
	if (e instanceof ClientResponseError) {
		const m = e.response?.['message'];
		if (typeof m === 'string' && m !== '') return m;
	}
	return e instanceof Error ? e.message : String(e);
}

const origin = typeof location === 'undefined' ? 'http://127.0.0.1:8090' : location.origin;

class Office {
	readonly pb = new PocketBase(origin, new LocalAuthStore('markbook_office_auth'));
	signedIn = $state(false);
	email = $state('');

	constructor() {
		this.#sync();
		this.pb.authStore.onChange(() => this.#sync());
	}

	#sync(): void {
		const r = this.pb.authStore.record;
		this.signedIn = this.pb.authStore.isValid && r?.collectionName === '_superusers';
		this.email = this.signedIn ? String(r?.['email'] ?? '') : '';
	}

	async signIn(email: string, password: string): Promise<void> {
		await this.pb.collection('_superusers').authWithPassword(email, password);
	}

	signOut(): void {
		this.pb.authStore.clear();
	}

	/** POST /api/office/roster; a 400 with a plan (errors) is an answer, not a failure. */
	roster(csv: string, opts: { dryRun?: boolean; skipErrors?: boolean }): Promise<RosterAnswer> {
		return this.#csv<RosterAnswer>('roster', csv, opts);
	}

	/** POST /api/office/staff (sendResets: email each new person a link to choose a password). */
	staff(
		csv: string,
		opts: { dryRun?: boolean; skipErrors?: boolean; sendResets?: boolean }
	): Promise<StaffAnswer> {
		return this.#csv<StaffAnswer>('staff', csv, opts);
	}

	async #csv<A extends CsvAnswer>(
		path: 'roster' | 'staff',
		csv: string,
		opts: Record<string, boolean | undefined>
	): Promise<A> {
		const q = Object.entries(opts)
			.filter(([, on]) => on)
			.map(([name]) => `${name}=1`);
		const res = await fetch(`${origin}/api/office/${path}?${q.join('&')}`, {
			method: 'POST',
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				authorization: this.pb.authStore.token
			},
			body: csv
		});
		const body = (await res.json()) as A;
		if (res.ok || (res.status === 400 && Array.isArray(body.errors))) return body;
		throw new Error(body.message ?? `The server answered ${res.status}.`);
	}

	/** Live (not deleted) records of a collection, for the Office's pickers. */
	async list(
		collection: 'classes' | 'students' | 'assessments' | 'periods',
		options: { filter?: string; sort: string }
	): Promise<RecordModel[]> {
		const live = 'deleted = false';
		return this.pb.collection(collection).getFullList({
			filter: options.filter ? `${live} && (${options.filter})` : live,
			sort: options.sort,
			requestKey: null
		});
	}

	/** The students of a class, by family name. */
	studentsOf(classId: string): Promise<RecordModel[]> {
		return this.list('students', {
			filter: this.pb.filter('classes ~ {:c}', { c: classId }),
			sort: 'family_name,given_name'
		});
	}

	/** A result by its natural key; null when none was recorded yet. */
	async result(key: ResultKey): Promise<RecordModel | null> {
		const id = resultId(key.student, key.class, key.assessment, key.period);
		try {
			return await this.pb.collection('results').getOne(id, { requestKey: null });
		} catch (e) {
			if (e instanceof ClientResponseError && e.status === 404) return null;
			throw e;
		}
	}

	/**
	 * Corrects some components of a result as the office: only `changes`
	 * (null: clear a component), each with the value the office saw in
	 * `seen`, which the server merges onto the result inside its transaction
	 * (creating it under the wire's id when there is none), validates, stamps,
	 * audits and sends to teachers' devices. A refusal (400: the rules; 409: a
	 * component changed since the office opened it) stores nothing.
	 */
	correctResult(
		key: ResultKey,
		changes: Record<string, Json>,
		seen: Record<string, Json> | null | undefined
	): Promise<CorrectionAnswer> {
		return sendCorrection(origin, this.pb.authStore.token, key, changes, seen);
	}

	async createPeriods(periods: PeriodDraft[]): Promise<number> {
		const res = await fetch(`${origin}/api/office/periods`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: this.pb.authStore.token },
			body: JSON.stringify({ periods })
		});
		const body = (await res.json()) as { created?: number; message?: string };
		if (!res.ok) throw new Error(body.message ?? `The server answered ${res.status}.`);
		return body.created ?? 0;
	}
}

export const office = new Office();
