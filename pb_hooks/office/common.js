/// <reference path="../../pb_data/types.d.ts" />
// What the office routes share: the shared library, the query flags and the
// CSV body check.

function lib() {
	return require(`${__hooks}/lib/markbook.js`);
}

/** Whether the query says `name=1` (or `true`). */
function flag(e, name) {
	const v = e.request.url.query().get(name);
	return v === '1' || v === 'true';
}

/**
 * The body of a CSV upload as text, or an answer refusing it: not CSV (415),
 * or larger than `maxBytes` (413, `tooLarge` says what to do).
 */
function csvBody(e, what, maxBytes, tooLarge) {
	const type = (e.request.header.get('Content-Type') || '').toLowerCase();
	if (type.indexOf('text/csv') !== 0) {
		return {
			refused: e.json(415, {
				status: 415,
				message: `Send the ${what} as a CSV file (Content-Type: text/csv).`
			})
		};
	}
	const text = toString(e.request.body);
	if (text.length > maxBytes) return { refused: e.json(413, { status: 413, message: tooLarge }) };
	return { text };
}

/** The answer's sentence when a file has problems and nothing was written. */
function problemsMessage(count) {
	return `The file has ${count} problem(s); nothing was imported. Fix them, or import the rest with skipErrors=1.`;
}

module.exports = { lib, flag, csvBody, problemsMessage };
