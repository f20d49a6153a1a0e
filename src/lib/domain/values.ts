/**
 * Checks of single values against an assessment, and the result type shared by
 * all validation. Split from validate.ts to keep each module small.
 */
import type { Json } from '../sync/core/types';
import {
	componentMax,
	componentOf,
	componentScale,
	TIMED_MAX_SECONDS,
	secondsBounds,
	type Assessment,
	type SecondsBounds
} from './assessment';

export type ValidationCode =
	| 'malformed'
	| 'unknown_collection'
	| 'bad_record_id'
	| 'bad_stamp'
	| 'bad_base'
	| 'wrong_device'
	| 'read_only'
	| 'not_creatable'
	| 'not_deletable'
	| 'no_fields'
	| 'bad_path'
	| 'unknown_field'
	| 'server_field'
	| 'immutable_field'
	| 'missing_field'
	| 'id_mismatch'
	| 'unknown_assessment'
	| 'assessment_mismatch'
	| 'not_timed'
	| 'unknown_component'
	| 'out_of_range'
	| 'implausible'
	| 'not_in_scale'
	| 'bad_value'
	| 'bad_date'
	| 'bad_status'
	| 'too_long'
	| 'too_deep'
	| 'empty';

export type ValidationResult = { ok: true } | { ok: false; code: ValidationCode; reason: string };

/** The one success value. */
export const OK: ValidationResult = { ok: true };

/** A refusal. */
export function no(code: ValidationCode, reason: string): ValidationResult {
	return { ok: false, code, reason };
}

/** Characters as a person counts them (code points, not UTF-16 units). */
export function charCount(text: string): number {
	let n = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 0xdc00 || c > 0xdfff) n++;
	}
	return n;
}

/** A value as quoted in a reason. */
export function show(value: Json): string {
	return typeof value === 'string' ? `“${value}”` : JSON.stringify(value);
}

/** Checks one component value of a result against its assessment. */
export function validateComponentValue(
	assessment: Assessment,
	key: string,
	value: Json
): ValidationResult {
	const component = componentOf(assessment, key);
	if (!component) {
		return no(
			'unknown_component',
			`“${assessment.name}” has no component “${key}”. The assessment may have changed; reload and try again.`
		);
	}
	const label = `“${component.label}” (${assessment.name})`;
	if (value === null) return OK; // null removes the component: "not observed"
	switch (assessment.kind) {
		case 'checklist':
			if (value === 0 || value === 1) return OK;
			return no(
				'out_of_range',
				`${label} is 1 (demonstrated), 0 (not yet) or left empty (not observed); ${show(value)} is none of those.`
			);
		case 'items': {
			const max = componentMax(component);
			if (typeof value !== 'number' || !Number.isInteger(value)) {
				return no(
					'bad_value',
					`${label} takes whole points from 0 to ${max}; ${show(value)} is not a whole number.`
				);
			}
			if (value < 0 || value > max) {
				return no(
					'out_of_range',
					`${label} takes 0–${max} points; ${value} is ${value < 0 ? 'below 0' : 'too many'}.`
				);
			}
			return OK;
		}
		case 'timed':
			return validateSeconds(label, value, secondsBounds(assessment));
		case 'grade': {
			const scale = componentScale(component);
			if (typeof value === 'string' && scale.indexOf(value) >= 0) return OK;
			return no(
				'not_in_scale',
				`${label} takes one of ${scale.join(', ')}; ${show(value)} is not on the scale.`
			);
		}
	}
}

/**
 * A time in seconds: more than 0 and under TIMED_MAX_SECONDS, and within the
 * office's plausible times for the assessment when it set them.
 */
export function validateSeconds(
	label: string,
	value: Json,
	bounds: SecondsBounds = { min: 0, max: TIMED_MAX_SECONDS }
): ValidationResult {
	if (typeof value !== 'number' || !isFinite(value)) {
		return no('bad_value', `A time for ${label} is a number of seconds; ${show(value)} is not.`);
	}
	if (value <= 0 || value >= TIMED_MAX_SECONDS) {
		return no(
			'out_of_range',
			`A time for ${label} must be more than 0 and under ${TIMED_MAX_SECONDS} seconds; ${value} is not.`
		);
	}
	if (value <= bounds.min || value > bounds.max) {
		return no(
			'implausible',
			`${value} s is not a plausible time for ${label}: the school expects ${value <= bounds.min ? `more than ${bounds.min} s` : `at most ${bounds.max} s`}. Check the watch and record it again.`
		);
	}
	return OK;
}
