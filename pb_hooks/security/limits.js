/// <reference path="../../pb_data/types.d.ts" />
// The rate limits PocketBase's limiter cannot count (issue 11.8): it keys by
// IP only, and a school is one NAT address. Their rules live with PocketBase's
// own in settings.rateLimits (set by pb_migrations/…_markbook_rate_limits.js,
// tunable in the admin UI) under labels of ours, which PocketBase never
// matches itself; they apply only while rate limiting is enabled.

const SYNC_LABEL = 'markbook:sync';
const FAILURES_LABEL = 'markbook:signInFailures';
const KEY_PREFIX = 'markbook.rate.';
/** Counters kept at most (one per user and per account tried); past it, new keys go uncounted. */
const MAX_COUNTERS = 20000;

/** The rule with this label, or null when there is none or limiting is off. */
function ruleOf(app, label) {
	const limits = app.settings().rateLimits;
	if (!limits.enabled) return null;
	for (const rule of limits.rules) {
		if (rule.label === label) return { max: rule.maxRequests, windowMs: rule.duration * 1000 };
	}
	return null;
}

/** A fixed-window counter in the app store, shared by every JS runtime. */
function current(app, key, rule, now) {
	const state = app.store().get(key);
	return state && now - state.start < rule.windowMs ? state : null;
}

/** Counts one event for `key`; whether it is still within the rule. */
function count(app, key, rule) {
	const now = Date.now();
	const store = app.store();
	if (!store.has(key)) {
		store.setIfLessThanLimit(key, { start: now, n: 1 }, MAX_COUNTERS);
		return rule.max >= 1;
	}
	let allowed = true;
	store.setFunc(key, (old) => {
		const fresh = !old || now - old.start >= rule.windowMs;
		const state = { start: fresh ? now : old.start, n: (fresh ? 0 : old.n) + 1 };
		allowed = state.n <= rule.max;
		return state;
	});
	return allowed;
}

/** A router middleware: sync requests per user (all her devices), not per IP. */
function syncLimit(e) {
	if (e.auth && !e.hasSuperuserAuth() && e.request.url.path.startsWith('/api/sync/')) {
		const rule = ruleOf(e.app, SYNC_LABEL);
		if (rule && !count(e.app, KEY_PREFIX + 'sync.' + e.auth.id, rule)) {
			throw new TooManyRequestsError(
				'Too many sync requests from your account in a short time; the app retries shortly, and your edits stay on this device.'
			);
		}
	}
	return e.next();
}

/**
 * onRecordAuthWithPasswordRequest: wrong passwords per account, whatever the
 * IP. Past the rule's count the account waits out the window, even with the
 * right password (else guessing would simply go on).
 */
function signInLimit(e) {
	const rule = ruleOf(e.app, FAILURES_LABEL);
	if (!rule) return e.next();
	const key =
		KEY_PREFIX + 'signin.' + e.collection.id + '.' + String(e.identity).trim().toLowerCase();
	const state = current(e.app, key, rule, Date.now());
	if (state && state.n >= rule.max) {
		throw new TooManyRequestsError(
			`Too many wrong passwords for this account; wait ${Math.ceil(rule.windowMs / 60000)} minutes, or ask the office to reset the password.`
		);
	}
	try {
		return e.next();
	} catch (error) {
		// Only a refusal counts (wrong password or unknown account), not a server fault.
		if (error && error.value && error.value.status === 400) count(e.app, key, rule);
		else if (String(error).indexOf('Failed to authenticate') >= 0) count(e.app, key, rule);
		throw error;
	}
}

/** Cron: drops counters whose window has passed. */
function sweep(app) {
	const now = Date.now();
	const store = app.store();
	const all = store.getAll();
	for (const key of Object.keys(all)) {
		if (key.indexOf(KEY_PREFIX) !== 0) continue;
		const state = all[key];
		// The longest window of ours is minutes; an hour-old counter is done.
		if (!state || now - state.start > 60 * 60 * 1000) store.remove(key);
	}
}

module.exports = { syncLimit, signInLimit, sweep };
