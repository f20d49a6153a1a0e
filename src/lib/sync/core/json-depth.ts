/**
 * The depth limit of stored JSON values, checked on every write path (push
 * validation, admin-UI and REST edits). Request bodies are checked as text,
 * before parsing, elsewhere; this checks a value that is already parsed.
 */

/**
 * How deep a stored JSON value may nest (`{}` and `[]` count one level each;
 * `{ "values": { "c1": 1 } }` is 2). Markbook's own JSON is at most 3 deep
 * (an assessment's components); SQLite's JSON functions fail past 1,000, and
 * a pull runs them over every record, so one over-deep value would break
 * every colleague's sync.
 */
export const JSON_MAX_DEPTH = 16;

/**
 * Whether `value` nests deeper than `max` levels. Stops descending past `max`,
 * so the recursion is bounded whatever the input.
 */
export function jsonTooDeep(value: unknown, max: number = JSON_MAX_DEPTH): boolean {
	if (typeof value !== 'object' || value === null) return false;
	if (max <= 0) return true;
	if (Array.isArray(value)) {
		for (const item of value) if (jsonTooDeep(item, max - 1)) return true;
		return false;
	}
	for (const key of Object.keys(value)) {
		if (jsonTooDeep((value as { [key: string]: unknown })[key], max - 1)) return true;
	}
	return false;
}
