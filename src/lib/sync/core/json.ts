/**
 * Canonical JSON: one spelling per value, so replicas can compare values and
 * records byte for byte whatever order their keys were written in.
 */
import type { Json } from './types';

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is { [key: string]: Json } {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy with object keys in sorted order (arrays keep their order).
 * `undefined` members are dropped, as JSON.stringify would.
 */
export function sortKeys<T>(value: T): T {
	if (Array.isArray(value)) return value.map((v) => sortKeys(v)) as unknown as T;
	if (isJsonObject(value)) {
		const out: { [key: string]: unknown } = {};
		for (const key of Object.keys(value).sort()) {
			const v = (value as { [key: string]: unknown })[key];
			if (v !== undefined) out[key] = sortKeys(v);
		}
		return out as T;
	}
	return value;
}

/** JSON text with sorted keys; `undefined` spells as `null`. */
export function canonicalJson(value: Json | undefined): string {
	return value === undefined ? 'null' : JSON.stringify(sortKeys(value));
}

// A value whose JSON spelling is itself: its equality is ===. (NaN, ±Infinity
// spell as null in JSON, so they take the slow path like objects do.)
function isPlainScalar(v: unknown): boolean {
	const t = typeof v;
	return t === 'string' || t === 'boolean' || (t === 'number' && isFinite(v as number));
}

/** Deep equality of JSON values (absent equals null). */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
	// Fast path (most fields are scalars): the same answer as comparing canonical text.
	if (isPlainScalar(a) && isPlainScalar(b)) return a === b;
	return canonicalJson(a) === canonicalJson(b);
}

/** -1, 0 or 1 by canonical text: an arbitrary but total, replica-independent order. */
export function compareJson(a: Json | undefined, b: Json | undefined): -1 | 0 | 1 {
	const x = canonicalJson(a);
	const y = canonicalJson(b);
	return x < y ? -1 : x > y ? 1 : 0;
}

/** Bytes of a string in UTF-8, without allocating (a lone surrogate counts as U+FFFD's 3). */
export function utf8Length(text: string): number {
	let n = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 0x80) n += 1;
		else if (c < 0x800) n += 2;
		else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
			const next = text.charCodeAt(i + 1);
			if (next >= 0xdc00 && next <= 0xdfff) {
				n += 4;
				i++;
			} else n += 3;
		} else n += 3;
	}
	return n;
}

/**
 * Whether JSON text nests arrays and objects at most `max` deep (a scalar is
 * depth 0, `[]` and `{}` depth 1). A linear scan of the text, run before
 * JSON.parse: parsing (and later walking) a value nested thousands deep costs
 * seconds of CPU and a lot of memory on the server (issue 11.4). Brackets
 * inside strings do not count; escapes are honoured. Malformed text may pass:
 * JSON.parse refuses it afterwards.
 */
export function jsonDepthWithin(text: string, max: number): boolean {
	let depth = 0;
	const n = text.length;
	for (let i = 0; i < n; i++) {
		const c = text.charCodeAt(i);
		if (c === 0x22 /* " */) {
			// Skip the string: to the next quote that no backslash escapes.
			for (i++; i < n; i++) {
				const s = text.charCodeAt(i);
				if (s === 0x5c /* \ */) i++;
				else if (s === 0x22) break;
			}
		} else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
			if (++depth > max) return false;
		} else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
			depth--;
		}
	}
	return true;
}
