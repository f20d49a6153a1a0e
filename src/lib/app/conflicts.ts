/**
 * Conflict notices and rejected edits, described for the teacher, and how a
 * notice is resolved. A resolution is an ordinary edit through the outbox:
 * "keep mine" writes my value again (with a fresh stamp, so it wins from now
 * on); "keep theirs" only closes the notice.
 */
import type { ConflictStatus } from '$lib/domain/collections';
import type { Assessment } from '$lib/domain/assessment';
import type { EditResult } from '$lib/sync/client';
import { DELETED_PATH } from '$lib/sync/core/schema';
import type { FieldPath, Json, Op, WireRecord } from '$lib/sync/core/types';
import { assessmentById, fullName, toStudent, type Reader } from './data';
import { STATUS_FIELD, STATUS_LABEL, statusValueWords } from './status';
import { componentKeyOf, valueWords } from './values';

/** What an edit was about, in words: "Mia Chen · Hop · Term 1 2026", "Eyes forward". */
export interface EditContext {
	title: string;
	field: string;
	assessment: Assessment | null;
	/** The field path the values belong to (`values.c1`, `status`). */
	path: FieldPath;
}

function nameOf(db: Reader, collection: 'students' | 'periods', id: unknown): string {
	if (typeof id !== 'string') return '';
	const r = db.get(collection, id);
	if (!r) return '';
	return collection === 'students' ? fullName(toStudent(r)) : String(r['name'] ?? '');
}

/** Describes `path` of record `id` in `collection`, from what the device holds. */
export function describeEdit(
	db: Reader,
	collection: string,
	id: string,
	path: FieldPath,
	fields: Record<string, Json | undefined> = {}
): EditContext {
	if (collection === 'results') {
		const rec: Record<string, unknown> = { ...(db.get('results', id) ?? {}), ...fields };
		const assessment =
			typeof rec['assessment'] === 'string' ? assessmentById(db, rec['assessment']) : null;
		const key = componentKeyOf(path);
		const label =
			key && assessment ? assessment.components.find((c) => c.key === key)?.label : undefined;
		const parts = [
			nameOf(db, 'students', rec['student']),
			assessment?.name ?? '',
			nameOf(db, 'periods', rec['period'])
		];
		return {
			title: parts.filter((p) => p !== '').join(' · ') || 'A result',
			field: label ?? resultFieldWords(path, key),
			assessment,
			path
		};
	}
	if (collection === 'observations') {
		return {
			title: `Note about ${nameOf(db, 'students', fields['student']) || 'a student'}`,
			field: 'Note',
			assessment: null,
			path
		};
	}
	if (collection === 'attempts') {
		return {
			title: `Timed attempt of ${nameOf(db, 'students', fields['student']) || 'a student'}`,
			field: 'Time',
			assessment: null,
			path
		};
	}
	return { title: collection, field: path, assessment: null, path };
}

/** A result's field other than a component, in words. */
function resultFieldWords(path: FieldPath, key: string | null): string {
	if (path === 'notes') return 'Notes';
	if (path === STATUS_FIELD) return STATUS_LABEL;
	// A mark made offline before the office deleted the result lost to the delete.
	if (path === DELETED_PATH) return 'The whole result (the school office deleted it)';
	return key ?? path;
}

/** One value of a notice or an op, in words. */
export function shown(context: EditContext, value: Json | undefined): string {
	if (context.path === STATUS_FIELD) return statusValueWords(value);
	if (context.path === DELETED_PATH) return value === true ? 'Deleted' : 'Kept, with your marks';
	return valueWords(context.assessment, value);
}

/** The first path an op writes other than the set-once key fields. */
export function mainPath(op: Op): FieldPath {
	const paths = Object.keys(op.fields);
	return (
		paths.find(
			(p) =>
				p.startsWith('values.') ||
				p === 'notes' ||
				p === STATUS_FIELD ||
				p === 'text' ||
				p === 'seconds'
		) ??
		paths[0] ??
		''
	);
}

/** What resolving a notice needs of the sync client. */
export interface Editor {
	edit(
		collection: 'results' | 'conflicts',
		id: string,
		fields: Record<FieldPath, Json>
	): Promise<EditResult>;
}

/**
 * Resolves one notice. `value` is written to the record first (keep mine /
 * edit); the notice is closed only if that edit was accepted on the device.
 */
export async function resolveConflict(
	sync: Editor,
	notice: WireRecord,
	status: Exclude<ConflictStatus, 'open'>,
	value?: Json
): Promise<EditResult> {
	if (status === 'kept_mine' || status === 'edited') {
		const collection = notice['collection'];
		const record = notice['record'];
		const field = notice['field'];
		if (collection !== 'results' || typeof record !== 'string' || typeof field !== 'string') {
			return { ok: false, code: 'unsupported', reason: 'This notice cannot be resolved here.' };
		}
		const written = await sync.edit('results', record, {
			[field]: value === undefined ? (notice['mine'] as Json) : value
		});
		if (!written.ok) return written;
	}
	return sync.edit('conflicts', notice.id, { status });
}
