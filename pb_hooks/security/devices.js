/// <reference path="../../pb_data/types.d.ts" />
// Switching a device off locks it out (issue 11.9). The auth token is the
// user's, not the device's, and a stolen token can claim any device id; so
// switching a device off rotates its user's token key, which ends every
// session of hers: REST, push and pull answer the lost tablet 401 (or treat it
// as a guest), its token cannot be refreshed, and PocketBase drops the auth of
// realtime connections whose token key changed. Her other devices sign in
// again; their outboxes keep the pending edits (the engine's needsSignIn).

/**
 * Closes the realtime connections of a user, so that her open devices hear of
 * it at once: their reconnect pulls, the pull is answered 401, and the app asks
 * her to sign in (otherwise they would sit on a connection that went quiet).
 * Done before the user is saved, while the connections still carry her auth
 * (saving it makes PocketBase unset that auth); one that reconnects meanwhile
 * with the old token loses its auth at that save all the same.
 */
function closeRealtime(app, userId) {
	const broker = app.subscriptionsBroker();
	const clients = broker.clients();
	for (const id of Object.keys(clients)) {
		const auth = clients[id].get('auth');
		if (auth && auth.id === userId && auth.collection().name === 'users') broker.unregister(id);
	}
}

/** onRecordUpdate on devices: a switch from on to off rotates the user's token key. */
function rotateOnSwitchOff(e) {
	const switchedOff = e.record.original().getBool('active') && !e.record.getBool('active');
	if (switchedOff) {
		const user = e.app.findRecordById('users', e.record.getString('user'));
		// First: once the user is saved, PocketBase unsets the connections' auth.
		closeRealtime(e.app, user.id);
		user.refreshTokenKey();
		e.app.save(user);
	}
	return e.next();
}

module.exports = { rotateOnSwitchOff };
