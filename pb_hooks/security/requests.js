/// <reference path="../../pb_data/types.d.ts" />
// Limits on what one REST request may ask of the server (issue 11.4, 11.13).

const RECORD_WRITE_PATH = /^\/api\/collections\/[^/]+\/records(\/[^/]+)?\/?$/;

/**
 * A router middleware: REST record writes (admin UI, API) may send at most
 * REST_MAX_BYTES (PocketBase's own default is 32 MB plus every field's size).
 * The limit wraps the body reader, so a body without Content-Length is cut too.
 */
function restBodyLimit(e) {
	const method = e.request.method;
	if (
		(method === 'POST' || method === 'PATCH' || method === 'PUT') &&
		RECORD_WRITE_PATH.test(e.request.url.path)
	) {
		const { REST_MAX_BYTES } = require(`${__hooks}/lib/markbook.js`);
		return $apis.bodyLimit(REST_MAX_BYTES).func(e);
	}
	return e.next();
}

// Auth fields nobody but the office may order by, whatever their visibility.
const AUTH_SECRET_FIELDS = ['email', 'password', 'tokenKey'];

/**
 * Why ordering by this sort term would leak something, or '' when it is fine.
 * A back-relation (`results_via_student.notes`) orders and drops rows by
 * related rows the caller may not read; a hidden field (`email`) orders users
 * by what the caller may not see.
 */
function sortLeak(app, collection, term) {
	const path = term.trim().replace(/^[-+]/, '');
	if (path === '' || path.startsWith('@')) return '';
	const segments = path.split('.');
	let current = collection;
	for (let i = 0; i < segments.length; i++) {
		const name = segments[i].split(':')[0];
		if (name.includes('_via_'))
			return `"${path}" orders by related records through a back-relation`;
		if (!current) return '';
		const field = current.fields.getByName(name);
		if (!field) return ''; // PocketBase answers an unknown field itself
		if (field.hidden || (current.isAuth() && AUTH_SECRET_FIELDS.includes(name))) {
			return `"${path}" orders by a hidden field`;
		}
		current =
			field.type() === 'relation' && i + 1 < segments.length
				? app.findCachedCollectionByNameOrId(field.collectionId)
				: null;
	}
	return '';
}

/** onRecordsListRequest: non-superusers may not sort by back-relations or hidden fields. */
function checkSort(e) {
	if (e.hasSuperuserAuth()) return e.next();
	// requestInfo, not e.request: this event's embedded request is not reachable from JS.
	const sort = e.requestInfo().query['sort'];
	if (sort) {
		for (const term of sort.split(',')) {
			const leak = sortLeak(e.app, e.collection, term);
			if (leak)
				throw new BadRequestError(
					`This sort is not allowed: ${leak}. Sort by the record's own visible fields.`
				);
		}
	}
	return e.next();
}

module.exports = { restBodyLimit, checkSort };
