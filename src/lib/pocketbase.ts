import PocketBase from 'pocketbase';

/**
 * The app's one PocketBase client. The app is served by PocketBase itself, so
 * the API lives at the page's own origin. The auth token is kept by the SDK's
 * LocalAuthStore (localStorage), so a signed-in teacher stays signed in offline.
 */
export const pb = new PocketBase(
	typeof location === 'undefined' ? 'http://127.0.0.1:8090' : location.origin
);
// Pages may fire overlapping list requests; the SDK would otherwise cancel the older one.
pb.autoCancellation(false);
