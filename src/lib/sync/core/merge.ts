/**
 * Field-level merge rules. Every rule except `server` is a join: commutative,
 * associative and idempotent on `{ value, stamp }` states, so replicas that see
 * the same writes in any order, any number of times, hold the same state.
 * (`server` refuses every client write, so the state never moves at all.)
 *
 * The `outcome` only reports what happened to the incoming write; it is advice
 * for the answer to the device, not part of the state.
 */
import { canonicalJson, compareJson, isJsonObject, jsonEqual } from './json';
import type { MergeRule } from './schema';
import type { Json, Stamp } from './types';

export type { MergeRule } from './schema';

/** A field's value and the stamp of the write that put it there. */
export interface FieldState {
	value: Json;
	stamp: Stamp;
}

/**
 * What happened to an incoming write:
 * - `applied`: it changed the field;
 * - `unchanged`: the field already held that value (a duplicate, or the same value);
 * - `superseded`: a newer / better value stays;
 * - `refused`: the rule forbids this write (server field, immutable field already set).
 */
export type MergeOutcome = 'applied' | 'unchanged' | 'superseded' | 'refused';

/** The merged field; `stamp` is null only when a refused write met an empty field. */
export interface FieldMerge {
	value: Json;
	stamp: Stamp | null;
	outcome: MergeOutcome;
}

// lww: the larger stamp wins; equal stamps should carry equal values (one
// write), but if a bug ever sends two values under one stamp, the larger
// canonical text wins so every replica still picks the same one.
function lwwWins(a: FieldState, b: FieldState): FieldState {
	if (a.stamp !== b.stamp) return a.stamp > b.stamp ? a : b;
	return compareJson(a.value, b.value) >= 0 ? a : b;
}

function isNumber(v: Json): v is number {
	return typeof v === 'number' && isFinite(v);
}

// min/max: a number beats no number; equal numbers keep the larger stamp, so
// the stamp is deterministic too; two non-numbers fall back to lww.
function numericWins(rule: 'min' | 'max', a: FieldState, b: FieldState): FieldState {
	const an = isNumber(a.value);
	const bn = isNumber(b.value);
	if (an && !bn) return a;
	if (bn && !an) return b;
	if (an && bn && a.value !== b.value) {
		const aLess = (a.value as number) < (b.value as number);
		return (rule === 'min') === aLess ? a : b;
	}
	return lwwWins(a, b);
}

// immutable: the first write by stamp holds. Using stamp order (not arrival
// order) is what makes it converge; ties on the stamp go to the smaller text.
function immutableWins(a: FieldState, b: FieldState): FieldState {
	if (a.stamp !== b.stamp) return a.stamp < b.stamp ? a : b;
	return compareJson(a.value, b.value) <= 0 ? a : b;
}

type Item = { [key: string]: Json } & { id: string };

function itemsOf(value: Json): Item[] {
	if (!Array.isArray(value)) return [];
	const out: Item[] = [];
	for (const v of value) {
		if (isJsonObject(v) && typeof v['id'] === 'string') out.push(v as Item);
	}
	return out;
}

// Two different items under one id (a bug or a forged write): the item with
// the smaller own `stamp` wins (first writer), then the smaller canonical
// text. A total order on items, so the pick does not depend on merge order.
function itemKey(item: Item): string {
	const s = item['stamp'];
	return (typeof s === 'string' ? s : '\uffff') + '\u0000' + canonicalJson(item);
}

function unionItems(...lists: Item[][]): Item[] {
	const byId: { [id: string]: Item } = {};
	const ids: string[] = [];
	for (const list of lists) {
		for (const item of list) {
			const prev = Object.prototype.hasOwnProperty.call(byId, item.id) ? byId[item.id] : undefined;
			if (!prev) {
				byId[item.id] = item;
				ids.push(item.id);
			} else if (itemKey(item) < itemKey(prev)) {
				byId[item.id] = item;
			}
		}
	}
	ids.sort();
	return ids.map((id) => byId[id] as Item);
}

function outcomeOf(merged: FieldState, current: FieldState, incoming: FieldState): MergeOutcome {
	if (!jsonEqual(merged.value, current.value)) return 'applied';
	return jsonEqual(incoming.value, current.value) ? 'unchanged' : 'superseded';
}

/**
 * Merges an incoming write into a field's current state under `rule`.
 * `current` undefined: the field was never written.
 */
export function mergeField(
	rule: MergeRule,
	current: FieldState | undefined,
	incoming: FieldState
): FieldMerge {
	if (rule === 'server') {
		return current
			? { value: current.value, stamp: current.stamp, outcome: 'refused' }
			: { value: null, stamp: null, outcome: 'refused' };
	}
	if (rule === 'append') {
		const value = unionItems(current ? itemsOf(current.value) : [], itemsOf(incoming.value));
		const stamp = current && current.stamp > incoming.stamp ? current.stamp : incoming.stamp;
		if (!current) return { value, stamp, outcome: 'applied' };
		const incomingItems = itemsOf(incoming.value);
		const merged = { value, stamp };
		if (!jsonEqual(value, itemsOf(current.value))) return { ...merged, outcome: 'applied' };
		// Nothing new: either every incoming item was already there, or one
		// lost to an existing item under the same id.
		const kept = value.map((item) => canonicalJson(item));
		const allKept = incomingItems.every((item) => kept.indexOf(canonicalJson(item)) >= 0);
		return { ...merged, outcome: allKept ? 'unchanged' : 'superseded' };
	}
	if (!current) return { value: incoming.value, stamp: incoming.stamp, outcome: 'applied' };
	let merged: FieldState;
	switch (rule) {
		case 'lww':
			merged = lwwWins(current, incoming);
			break;
		case 'min':
		case 'max':
			merged = numericWins(rule, current, incoming);
			break;
		case 'immutable': {
			merged = immutableWins(current, incoming);
			const outcome = outcomeOf(merged, current, incoming);
			// A later, different write to a set-once field is refused, not "superseded".
			return {
				value: merged.value,
				stamp: merged.stamp,
				outcome: outcome === 'superseded' ? 'refused' : outcome
			};
		}
	}
	return {
		value: merged.value,
		stamp: merged.stamp,
		outcome: outcomeOf(merged, current, incoming)
	};
}

/**
 * One outcome for a whole op: `refused` if any field was refused (the caller
 * should then treat the op as atomic and discard its result), else `applied`
 * if any field changed, else `superseded` if any lost, else `unchanged`.
 */
export function summarizeOutcomes(outcomes: Record<string, MergeOutcome>): MergeOutcome {
	const all = Object.keys(outcomes).map((k) => outcomes[k]);
	if (all.indexOf('refused') >= 0) return 'refused';
	if (all.indexOf('applied') >= 0) return 'applied';
	if (all.indexOf('superseded') >= 0) return 'superseded';
	return 'unchanged';
}
