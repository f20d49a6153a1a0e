/// <reference path="../../pb_data/types.d.ts" />
// The app's Content-Security-Policy (issue 11.14), sent with everything
// PocketBase serves from the public dir (not /api/, not the admin UI at /_/,
// which has its own needs). The app is same-origin only: the SDK's fetches and
// realtime (SSE), the service worker and its precache. Svelte sets inline
// styles, hence style-src 'unsafe-inline'. SvelteKit's one inline script (the
// start-up snippet in index.html) is allowed here, and pinned by its hash in
// the page's own <meta> policy (svelte.config.js, kit.csp): a browser enforces
// both policies, so only that script runs inline.
const APP_CSP = [
	"default-src 'self'",
	"script-src 'self' 'unsafe-inline'",
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' data: blob:",
	"font-src 'self' data:",
	"connect-src 'self'",
	"worker-src 'self'",
	"manifest-src 'self'",
	"object-src 'none'",
	"base-uri 'self'",
	"form-action 'self'",
	"frame-ancestors 'none'"
].join('; ');

/** A router middleware: the CSP header on the app's responses. */
function appCsp(e) {
	const path = e.request.url.path;
	if (!path.startsWith('/api/') && path !== '/api' && !path.startsWith('/_/') && path !== '/_') {
		e.response.header().set('Content-Security-Policy', APP_CSP);
	}
	return e.next();
}

module.exports = { APP_CSP, appCsp };
