/// <reference path="../pb_data/types.d.ts" />
// Presence: who has a class open right now. Each open class page keeps one
// row (user, class, device) and refreshes `seen` every few seconds; the other
// teachers of the class follow the rows in realtime. Not synced data: rows
// are short-lived, the app deletes its own when the page closes and ignores
// rows not seen lately, and a cron job sweeps stale rows.
const SIGNED_IN = "@request.auth.id != ''";
const TEACHES_OR_COORDINATES =
	"(class.teachers.id ?= @request.auth.id || @request.auth.role = 'coordinator')";
const OWN = 'user = @request.auth.id';

migrate(
	(app) => {
		const users = app.findCollectionByNameOrId('users');
		const classes = app.findCollectionByNameOrId('classes');
		const presence = new Collection({
			type: 'base',
			name: 'presence',
			listRule: `${SIGNED_IN} && ${TEACHES_OR_COORDINATES}`,
			viewRule: `${SIGNED_IN} && ${TEACHES_OR_COORDINATES}`,
			createRule: `${SIGNED_IN} && @request.body.user = @request.auth.id && ${TEACHES_OR_COORDINATES}`,
			updateRule: `${SIGNED_IN} && ${OWN} && @request.body.user:changed = false && @request.body.class:changed = false`,
			deleteRule: `${SIGNED_IN} && ${OWN}`,
			fields: [
				{
					name: 'user',
					type: 'relation',
					collectionId: users.id,
					maxSelect: 1,
					required: true,
					cascadeDelete: true
				},
				{
					name: 'class',
					type: 'relation',
					collectionId: classes.id,
					maxSelect: 1,
					required: true,
					cascadeDelete: true
				},
				{ name: 'device', type: 'text', required: true, max: 64 },
				{ name: 'seen', type: 'date', required: true },
				{ name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
				{ name: 'updated', type: 'autodate', onCreate: true, onUpdate: true }
			],
			indexes: [
				'CREATE UNIQUE INDEX `idx_presence_user_class_device` ON `presence` (`user`, `class`, `device`)',
				'CREATE INDEX `idx_presence_seen` ON `presence` (`seen`)'
			]
		});
		app.save(presence);
	},
	(app) => {
		app.delete(app.findCollectionByNameOrId('presence'));
	}
);
