/** The office's CSV uploads (POST /api/office/roster, /staff), as the Office page sends them. */
import type PocketBase from 'pocketbase';

export interface CsvAnswer {
	status: number;
	body: Record<string, unknown> & {
		errors: { row: number; column: string; reason: string }[];
		emailed?: string[];
		notEmailed?: { email: string; reason: string }[];
	};
}

/** Posts `csv` to `/api/office/<path><query>` with `pb`'s token (none when null). */
export async function postOfficeCsv(
	url: string,
	pb: PocketBase | null,
	path: 'roster' | 'staff',
	csv: string,
	query = '',
	type = 'text/csv; charset=utf-8'
): Promise<CsvAnswer> {
	const res = await fetch(`${url}/api/office/${path}${query}`, {
		method: 'POST',
		headers: {
			'content-type': type,
			...(pb?.authStore.token ? { authorization: pb.authStore.token } : {})
		},
		body: csv
	});
	return { status: res.status, body: (await res.json()) as CsvAnswer['body'] };
}
