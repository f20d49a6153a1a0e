/// <reference path="../../pb_data/types.d.ts" />
// POST /api/office/staff: teachers and coordinators from a CSV file. The rules
// (reading the file, checking rows, planning) are the shared library's
// (src/lib/domain/staff.ts); this file reads the users, writes the plan in one
// transaction and, when asked, sends each new person a password-reset email.

/** Largest staff file, in bytes. */
const STAFF_MAX_BYTES = 512 * 1024;

const { lib, flag, csvBody, problemsMessage } = require(`${__hooks}/office/common.js`);

function staff(e) {
	const body = csvBody(e, 'staff list', STAFF_MAX_BYTES, 'The file is larger than 512 KB.');
	if (body.refused) return body.refused;
	const text = body.text;
	const users = e.app.findAllRecords('users').map((r) => ({
		id: r.id,
		email: r.email(),
		name: r.getString('name'),
		role: r.getString('role')
	}));
	const plan = lib().planStaff(lib().parseStaff(text), { users });
	const answer = lib().staffAnswer(plan);
	if (flag(e, 'dryRun')) return e.json(200, answer);
	if (plan.errors.length > 0 && !flag(e, 'skipErrors')) {
		answer.message = problemsMessage(plan.errors.length);
		return e.json(400, answer);
	}
	const created = [];
	e.app.runInTransaction((tx) => {
		const collection = tx.findCollectionByNameOrId('users');
		for (const w of plan.writes) {
			const record = w.id ? tx.findRecordById('users', w.id) : new Record(collection);
			if (!w.id) {
				record.setEmail(w.email);
				record.setEmailVisibility(false);
				// Nobody knows this password: the person chooses their own
				// through the reset email (or the office sets one in the admin UI).
				record.setPassword($security.randomString(32));
			}
			record.set('name', w.fields.name);
			record.set('role', w.fields.role);
			tx.save(record);
			if (!w.id) created.push(record);
		}
	});
	if (flag(e, 'sendResets')) {
		answer.emailed = [];
		answer.notEmailed = [];
		for (const record of created) {
			try {
				$mails.sendRecordPasswordReset(e.app, record);
				answer.emailed.push(record.email());
			} catch (err) {
				answer.notEmailed.push({
					email: record.email(),
					reason: 'The email could not be sent (check Settings → Mail settings): ' + err
				});
			}
		}
	}
	return e.json(200, answer);
}

module.exports = { staff };
