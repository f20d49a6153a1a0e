/**
 * Record ids. A `results` id derives from its natural key, so two offline
 * devices creating the result for the same student, class, assessment and
 * period address one record and merge instead of making two.
 */
import { sha256 } from '@noble/hashes/sha2.js';

/** PocketBase's default id: 15 characters of [a-z0-9]. */
export const RECORD_ID_LENGTH = 15;
const RECORD_ID_PATTERN = /^[a-z0-9]{15}$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

/** Whether `id` has PocketBase's default record id shape. */
export function isRecordId(id: unknown): id is string {
	return typeof id === 'string' && RECORD_ID_PATTERN.test(id);
}

/**
 * UTF-8 bytes of a string, by hand: goja has no TextEncoder, and
 * @noble/hashes' utf8ToBytes uses it. Lone surrogates become U+FFFD, as
 * TextEncoder does.
 */
export function utf8Bytes(text: string): Uint8Array {
	const out: number[] = [];
	for (let i = 0; i < text.length; i++) {
		let cp = text.charCodeAt(i);
		if (cp >= 0xd800 && cp <= 0xdbff) {
			const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
			if (next >= 0xdc00 && next <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
				i++;
			} else {
				cp = 0xfffd;
			}
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			cp = 0xfffd;
		}
		if (cp < 0x80) out.push(cp);
		else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
		else if (cp < 0x10000)
			out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
		else
			out.push(
				0xf0 | (cp >> 18),
				0x80 | ((cp >> 12) & 0x3f),
				0x80 | ((cp >> 6) & 0x3f),
				0x80 | (cp & 0x3f)
			);
	}
	return new Uint8Array(out);
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
	let s = '';
	for (let i = 0; i < bytes.length; i++) {
		const b = bytes[i] as number;
		s += HEX.charAt(b >> 4) + HEX.charAt(b & 15);
	}
	return s;
}

/** Lower-case hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
	return toHex(sha256(utf8Bytes(text)));
}

/** The natural key of a result (wire version 2), as the text its id hashes. */
export function resultKey(
	studentId: string,
	classId: string,
	assessmentId: string,
	periodId: string
): string {
	return studentId + '|' + classId + '|' + assessmentId + '|' + periodId;
}

/**
 * The id of the `results` row for (student, class, assessment, period): the
 * first 15 hex digits of SHA-256 of `<student>|<class>|<assessment>|<period>`
 * (UTF-8; see resultKey). A result belongs to the class it was recorded in, so
 * a student in two classes has one result per class. Hex is inside
 * PocketBase's id alphabet.
 */
export function resultId(
	studentId: string,
	classId: string,
	assessmentId: string,
	periodId: string
): string {
	return resultIdOfKey(resultKey(studentId, classId, assessmentId, periodId));
}

/** The result id of a natural key's text, with an optional native SHA-256 (the server's). */
export function resultIdOfKey(key: string, hash: (text: string) => string = sha256Hex): string {
	return hash(key).slice(0, RECORD_ID_LENGTH);
}

/**
 * The id a result had under wire version 1 (`<student>|<assessment>|<period>`),
 * only to find records and queued ops made before the key named the class.
 */
export function resultIdV1(studentId: string, assessmentId: string, periodId: string): string {
	return resultIdOfKey(studentId + '|' + assessmentId + '|' + periodId);
}

/**
 * A new random record id (for attempts and observations made on a device).
 * `random` returns a float in [0, 1), as Math.random does; it is passed in so
 * tests can seed it.
 */
export function randomRecordId(random: () => number): string {
	let id = '';
	for (let i = 0; i < RECORD_ID_LENGTH; i++) {
		id += ID_ALPHABET.charAt(Math.floor(random() * ID_ALPHABET.length) % ID_ALPHABET.length);
	}
	return id;
}
