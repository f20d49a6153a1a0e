/**
 * A child's status on the day (absent, injured, excused) as pages use it:
 * read from a result, in words, and the edit that sets or clears it. The value
 * and its checks are the domain's (src/lib/domain/status.ts); the field is one
 * lww path, so an edit always writes kind and day together.
 */
import { format } from 'date-fns';
import {
	ABSENCE_KINDS,
	STATUS_FIELD,
	statusOf,
	type AbsenceKind,
	type ResultStatus
} from '$lib/domain/status';
import type { EditResult } from '$lib/sync/client';
import type { FieldPath, Json, SyncedCollection } from '$lib/sync/core/types';
import type { SyncStatus } from '$lib/sync/replica';
import { resultEdit, resultOf, type Reader, type ResultKey } from './data';

export { ABSENCE_KINDS, STATUS_FIELD, statusOf };
export type { AbsenceKind, ResultStatus };

/** Each kind as a teacher says it. */
export const STATUS_WORDS: Record<AbsenceKind, string> = {
	absent: 'Absent',
	injured: 'Injured',
	excused: 'Excused'
};

/** What the status is called where a field is named (conflict notices, rejected edits). */
export const STATUS_LABEL = 'Away on the day';

/** The values a teacher can choose for a status, for `today`: each kind, then present. */
export function statusChoices(today: string): { label: string; value: Json }[] {
	return [
		...ABSENCE_KINDS.map((kind) => ({
			label: STATUS_WORDS[kind],
			value: { kind, on: today } as Json
		})),
		{ label: 'Present (no status)', value: null }
	];
}

/** The status of a result, or null (there, not recorded, or cleared). */
export function resultStatus(db: Reader, key: ResultKey): ResultStatus | null {
	return statusOf(resultOf(db, key)?.[STATUS_FIELD]);
}

/** A day as YYYY-MM-DD on the device's own calendar (the teacher's "today"). */
export function dayOf(ms: number): string {
	return format(ms, 'yyyy-MM-dd');
}

/** "2 Mar 2026" for a YYYY-MM-DD day (read as a calendar day, not an instant). */
export function dayWords(on: string): string {
	const [y, m, d] = on.split('-').map(Number);
	return format(new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1), 'd MMM yyyy');
}

/** "Absent", or with its day: "Absent on 2 Mar 2026". */
export function statusWords(status: ResultStatus | null, withDay = false): string {
	if (!status) return 'Present';
	const kind = STATUS_WORDS[status.kind];
	return withDay ? `${kind} on ${dayWords(status.on)}` : kind;
}

/** Mid-sentence: "absent on 2 Mar 2026", or "present". */
export function statusPhrase(status: ResultStatus | null): string {
	if (!status) return 'present';
	return `${STATUS_WORDS[status.kind].toLowerCase()} on ${dayWords(status.on)}`;
}

/** A stored status value in words (conflict notices, rejected edits); null is "Present". */
export function statusValueWords(value: Json | undefined): string {
	if (value === null || value === undefined) return 'Present (no status)';
	const s = statusOf(value);
	return s ? statusWords(s, true) : JSON.stringify(value);
}

/**
 * What choosing `kind` makes of `current`: that kind on `today`; the current
 * status as it is when it already has that kind (its day is kept); `null`
 * (Present) clears it.
 */
export function chosenStatus(
	current: ResultStatus | null,
	kind: AbsenceKind | null,
	today: string
): ResultStatus | null {
	if (kind === null) return null;
	if (current?.kind === kind) return current;
	return { kind, on: today };
}

/** The id and fields of an edit that sets (or, with null, clears) a result's status. */
export function statusEdit(
	key: ResultKey,
	status: ResultStatus | null
): { id: string; fields: Record<FieldPath, Json> } {
	return resultEdit(key, STATUS_FIELD, status ? { kind: status.kind, on: status.on } : null);
}

/** What setting a status needs of the sync bridge (appSync fits). */
export interface StatusEditor {
	status(collection: SyncedCollection, id: string, path?: FieldPath): SyncStatus;
	edit(collection: 'results', id: string, fields: Record<FieldPath, Json>): Promise<EditResult>;
	fix(opId: string, value: Json, path?: FieldPath): Promise<EditResult>;
}

/**
 * Saves a status on the device: a new edit, or, when the last status edit of
 * this result was refused, a fix of that one (a refused edit is never left
 * behind a newer one). Never throws: a failure is an EditResult.
 */
export async function saveStatus(
	sync: StatusEditor,
	key: ResultKey,
	status: ResultStatus | null
): Promise<EditResult> {
	const { id, fields } = statusEdit(key, status);
	try {
		const now = sync.status('results', id, STATUS_FIELD);
		if (now.status === 'rejected' && now.opId)
			return await sync.fix(now.opId, fields[STATUS_FIELD] as Json, STATUS_FIELD);
		return await sync.edit('results', id, fields);
	} catch (e) {
		return { ok: false, code: 'error', reason: e instanceof Error ? e.message : String(e) };
	}
}
