/**
 * Field paths: a top-level field (`notes`) or one component inside a JSON
 * object field (`values.run_3`). Each path carries its own stamp, so two
 * teachers ticking different components of one student never collide.
 */
import { isJsonObject } from './json';
import type { FieldPath, Json, WireRecord } from './types';

const TOP_PATTERN = /^[a-z_][a-z0-9_]{0,63}$/;
const COMPONENT_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
// Names that would reach Object.prototype through a plain object.
const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];

/** The top-level field and, for a nested path, the component key. */
export interface SplitPath {
	field: string;
	component: string | null;
}

/** Whether `path` is a well-formed field path (at most one level nested). */
export function isValidPath(path: unknown): path is FieldPath {
	return splitPath(path) !== null;
}

// splitPath is on every hot path (validate, merge, get/set: several calls per
// field of every op) and costs two regex tests, which PocketBase's interpreter
// runs slowly. Programs see a handful of distinct paths, so answers are
// memoised: a pure function's cache, bounded so junk paths cannot grow it.
const SPLIT_MEMO = new Map<string, Readonly<SplitPath> | null>();
const SPLIT_MEMO_MAX = 4096;

/** Splits a path into field and component; null when malformed. Treat the result as read-only. */
export function splitPath(path: unknown): SplitPath | null {
	if (typeof path !== 'string') return null;
	const known = SPLIT_MEMO.get(path);
	if (known !== undefined) return known;
	const split = splitUncached(path);
	if (SPLIT_MEMO.size >= SPLIT_MEMO_MAX) SPLIT_MEMO.clear();
	SPLIT_MEMO.set(path, split ? Object.freeze(split) : null);
	return split;
}

function splitUncached(path: string): SplitPath | null {
	const dot = path.indexOf('.');
	const field = dot < 0 ? path : path.slice(0, dot);
	const component = dot < 0 ? null : path.slice(dot + 1);
	if (!TOP_PATTERN.test(field) || FORBIDDEN.indexOf(field) >= 0) return null;
	if (component !== null) {
		if (!COMPONENT_PATTERN.test(component) || FORBIDDEN.indexOf(component) >= 0) return null;
	}
	return { field, component };
}

/**
 * The value at `path`, or undefined when absent (an absent checklist
 * component means "not observed").
 */
export function getPath(
	record: WireRecord | { [key: string]: unknown },
	path: FieldPath
): Json | undefined {
	const split = splitPath(path);
	if (!split) return undefined;
	const top = Object.prototype.hasOwnProperty.call(record, split.field)
		? (record as { [key: string]: unknown })[split.field]
		: undefined;
	if (split.component === null) return top as Json | undefined;
	if (!isJsonObject(top)) return undefined;
	return Object.prototype.hasOwnProperty.call(top, split.component)
		? top[split.component]
		: undefined;
}

/**
 * A new record with `value` at `path`; the input is not mutated. For a nested
 * path, `null` or `undefined` removes the component (on the wire, null means
 * "remove"; in the record, the key is absent). For a top-level path, `null` is
 * stored as null and `undefined` removes the field.
 */
export function setPath<R extends { [key: string]: unknown }>(
	record: R,
	path: FieldPath,
	value: Json | undefined
): R {
	const split = splitPath(path);
	if (!split) throw new RangeError(`invalid field path: ${path}`);
	const out: { [key: string]: unknown } = { ...record };
	if (split.component === null) {
		if (value === undefined) delete out[split.field];
		else out[split.field] = value;
		return out as R;
	}
	const prev = out[split.field];
	const inner: { [key: string]: Json } = isJsonObject(prev) ? { ...prev } : {};
	if (value === null || value === undefined) delete inner[split.component];
	else inner[split.component] = value;
	out[split.field] = inner;
	return out as R;
}
