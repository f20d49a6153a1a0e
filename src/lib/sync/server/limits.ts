/**
 * The limits a push body must meet before it is parsed (issue 11.4): its size
 * in bytes (not UTF-16 units) and how deep it nests. Checked on the raw text,
 * because parsing a hostile body is the cost being refused.
 */
import { jsonDepthWithin, utf8Length } from '../core/json';
import { PUSH_MAX_BYTES, PUSH_MAX_DEPTH } from '../core/types';
import type { HandlerAnswer } from './store';

const fail = (status: number, message: string): HandlerAnswer => ({
	status,
	body: { status, message }
});

export const PUSH_TOO_LARGE_MESSAGE = `A push may carry at most ${PUSH_MAX_BYTES} bytes; send fewer changes at a time.`;

/**
 * The body's size in bytes when it may be parsed, else the whole-request
 * answer refusing it (413 too large, 400 nested too deep). `bytes` is the
 * body's UTF-8 size when the caller has it already (the server reads bytes).
 */
export function checkPushText(
	text: string,
	bytes: number = utf8Length(text)
): { bytes: number } | { refused: HandlerAnswer } {
	if (bytes > PUSH_MAX_BYTES) return { refused: fail(413, PUSH_TOO_LARGE_MESSAGE) };
	if (!jsonDepthWithin(text, PUSH_MAX_DEPTH)) {
		return {
			refused: fail(
				400,
				`The request body nests deeper than ${PUSH_MAX_DEPTH} levels of brackets; a push never does.`
			)
		};
	}
	return { bytes };
}
