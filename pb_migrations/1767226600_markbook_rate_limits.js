/// <reference path="../pb_data/types.d.ts" />
// Rate limits (issue 11.8; README, "Limits"). A school is one NAT address, so
// limits by IP must let a whole staff room through; the ones that matter per
// person are counted per account or per user by pb_hooks/security/limits.js,
// which reads its rules from here by their labels:
//
//   *:authWithPassword  120 a minute per IP: a staff room of 30 signs in at
//                       once, even while someone at the school guesses
//   *:auth              120 a minute per IP for the other ways of signing in
//   *:request…          5 a minute per IP for the mails (reset, verify, OTP)
//   markbook:signInFailures  10 wrong passwords per account per 5 minutes;
//                            then that account waits, whatever the IP
//   markbook:sync       1,200 sync requests a minute per user, all her devices
//
// PocketBase's own limiter counts per IP only (apis/middlewares_rate_limit.go
// keys by e.RealIP()); superusers are never limited. The office may tune any
// of these in the admin UI (Settings → Rate limits).
const RULES = [
	{ label: '*:authWithPassword', audience: '', duration: 60, maxRequests: 120 },
	{ label: '*:auth', audience: '', duration: 60, maxRequests: 120 },
	{ label: '*:requestPasswordReset', audience: '', duration: 60, maxRequests: 5 },
	{ label: '*:requestVerification', audience: '', duration: 60, maxRequests: 5 },
	{ label: '*:requestEmailChange', audience: '', duration: 60, maxRequests: 5 },
	{ label: '*:requestOTP', audience: '', duration: 60, maxRequests: 5 },
	{ label: 'markbook:signInFailures', audience: '', duration: 300, maxRequests: 10 },
	{ label: 'markbook:sync', audience: '@auth', duration: 60, maxRequests: 1200 }
];

migrate(
	(app) => {
		const settings = app.settings();
		unmarshal({ rateLimits: { enabled: true, rules: RULES } }, settings);
		app.save(settings);
	},
	(app) => {
		const settings = app.settings();
		unmarshal({ rateLimits: { enabled: false } }, settings);
		app.save(settings);
	}
);
