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
import { resultId } from '$lib/sync/core/ids';
import type { FieldPath, Json } from '$lib/sync/core/types';
import { resultOf, type Reader, type ResultKey } from './data';

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

/** A stored status value in words (conflict notices, rejected edits); null is "Present". */
export function statusValueWords(value: Json | undefined): string {
	if (value === null || value === undefined) return 'Present (no status)';
	const s = statusOf(value);
	return s ? statusWords(s, true) : JSON.stringify(value);
}

/**
 * What a tap on `kind` makes of `current`: that kind today, or nothing when
 * the child already has that kind (a second tap clears it). `null` clears.
 */
export function nextStatus(
	current: ResultStatus | null,
	kind: AbsenceKind | null,
	today: string
): ResultStatus | null {
	if (kind === null || current?.kind === kind) return null;
	return { kind, on: today };
}

/** The id and fields of an edit that sets (or, with null, clears) a result's status. */
export function statusEdit(
	key: ResultKey,
	status: ResultStatus | null
): { id: string; fields: Record<FieldPath, Json> } {
	return {
		id: resultId(key.student, key.class, key.assessment, key.period),
		fields: {
			student: key.student,
			class: key.class,
			assessment: key.assessment,
			period: key.period,
			[STATUS_FIELD]: status ? { kind: status.kind, on: status.on } : null
		}
	};
}
