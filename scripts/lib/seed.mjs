// The demo school: three classes of 25 students, two teachers who share one
// class and each teach one of their own, a coordinator, the four terms of 2026
// and fifteen assessments (the twelve fundamental movement skills, a sprint,
// an items test and a running grade).
//
// Every seeded record has a fixed id, and seeding checks what exists before it
// creates anything, so running it twice leaves one demo school (and a run that
// died half-way is completed by the next one). It never updates or deletes:
// whatever the office has changed since stays changed.
import PocketBase from 'pocketbase';

/** The office (a PocketBase superuser); upserted by `npm start` and the test harness. */
export const DEMO_SUPERUSER = { email: 'office@demo.markbook.school', password: 'markbook-office' };

/**
 * @typedef {{ key: 'teacherA' | 'teacherB' | 'coordinator', id: string, email: string,
 *   password: string, name: string, role: 'teacher' | 'coordinator' }} DemoLogin
 */

/** @type {DemoLogin[]} Demo app logins; the passwords are printed by `npm start`. */
export const DEMO_USERS = [
	{
		key: 'teacherA',
		id: 'demoteachera001',
		email: 'sarah.nguyen@demo.markbook.school',
		password: 'markbook-sarah',
		name: 'Sarah Nguyen',
		role: 'teacher'
	},
	{
		key: 'teacherB',
		id: 'demoteacherb001',
		email: 'tom.walker@demo.markbook.school',
		password: 'markbook-tom-w',
		name: 'Tom Walker',
		role: 'teacher'
	},
	{
		key: 'coordinator',
		id: 'democoordin0001',
		email: 'priya.raman@demo.markbook.school',
		password: 'markbook-priya',
		name: 'Priya Raman',
		role: 'coordinator'
	}
];

/**
 * Hints shown under a component's label in field mode, by skill key, in the
 * order of its components: what "demonstrated" looks like, in plain words a
 * teacher can check at a glance. Markbook's wording for the demo school, not
 * the sources' (their component descriptions are the labels, below).
 * @type {Record<string, string[]>}
 */
export const DEMO_COMPONENT_HINTS = {
	catch: [
		'Watches the ball all the way into the hands.',
		'Steps so the ball comes to the middle of the body.',
		'Reaches out to the ball instead of waiting for it.',
		'Fingers soft and spread, not stiff or flat.',
		'No trapping against the chest or arms.',
		'Arms give and pull the ball in as it lands.'
	],
	sprint_run: [
		'Runs on the front of the feet; heels barely touch.',
		'Heel swings up close to the bottom after each push.',
		'Knee drives up to about hip height.',
		'Looks ahead; head and body do not roll or bob.',
		'Arms stay bent at a right angle.',
		'Opposite arm and leg swing together, not across the body.'
	]
};

/**
 * The twelve fundamental movement skills and their components
 * (a copy of ../shared/seed-data/fms-skills.json, kept here so a fresh clone
 * can seed on its own; seed.test.ts checks that the two agree).
 * Sources: NSW DoE "Get Skilled: Get Active" (K-6); Vic DoE "Fundamental Motor
 * Skills: A Manual for Classroom Teachers" (1996). Demo use only.
 */
export const FMS_SKILLS = [
	{
		key: 'static_balance',
		name: 'Static balance',
		components: [
			'Support leg still, foot flat on the ground',
			'Non-support leg bent, not touching the support leg',
			'Head stable, eyes focused forward',
			'Trunk stable and upright',
			'No excessive arm movement'
		]
	},
	{
		key: 'sprint_run',
		name: 'Sprint run',
		components: [
			'Lands on the ball of the foot',
			'Non-support knee bends at least 90 degrees in recovery',
			'High knee lift, thigh almost parallel to the ground',
			'Head and trunk stable, eyes focused forward',
			'Elbows bent at 90 degrees',
			'Arms drive forward and back in opposition to the legs'
		]
	},
	{
		key: 'vertical_jump',
		name: 'Vertical jump',
		components: [
			'Eyes focused forward or upward throughout',
			'Crouches with knees bent and arms behind the body',
			'Forceful forward and upward arm swing',
			'Legs straighten in the air',
			'Lands on the balls of the feet, knees bend to absorb',
			'Controlled landing, no more than one step'
		]
	},
	{
		key: 'catch',
		name: 'Catch',
		components: [
			'Eyes focused on the object throughout',
			'Feet move to put the body in line with the object',
			'Hands move to meet the object',
			'Hands and fingers relaxed and slightly cupped',
			'Catches and controls with the hands only',
			'Elbows bend to absorb the force'
		]
	},
	{
		key: 'hop',
		name: 'Hop',
		components: [
			'Support leg bends on landing, then straightens to push off',
			'Lands and pushes off on the ball of the foot',
			'Non-support leg bent, swinging in rhythm',
			'Head stable, eyes focused forward',
			'Arms bent, swinging forward as the support leg pushes off'
		]
	},
	{
		key: 'side_gallop',
		name: 'Side gallop',
		components: [
			'Smooth, rhythmical movement',
			'Brief moment with both feet off the ground',
			'Weight on the balls of the feet',
			'Hips and shoulders point to the front',
			'Head stable, eyes forward or in the direction of travel'
		]
	},
	{
		key: 'skip',
		name: 'Skip',
		components: [
			'Rhythmical step-hop',
			'Lands on the ball of the foot',
			'Support knee bends to prepare for the hop',
			'Head and trunk stable, eyes focused forward',
			'Arms relaxed, swinging in opposition to the legs'
		]
	},
	{
		key: 'overarm_throw',
		name: 'Overarm throw',
		components: [
			'Eyes focused on the target area throughout',
			'Stands side-on to the target area',
			'Throwing arm moves down and back in an arc',
			'Steps toward the target with the foot opposite the throwing arm',
			'Hips then shoulders rotate forward',
			'Throwing arm follows through down and across the body'
		]
	},
	{
		key: 'leap',
		name: 'Leap',
		components: [
			'Eyes focused forward throughout',
			'Knee of the take-off leg bends',
			'Legs straighten during flight',
			'Arms held in opposition to the legs',
			'Trunk leans slightly forward',
			'Lands on the ball of the foot, knee bends to absorb'
		]
	},
	{
		key: 'kick',
		name: 'Kick',
		components: [
			'Eyes focused on the ball throughout',
			'Forward and sideways swing of the arm opposite the kicking leg',
			'Non-kicking foot placed beside the ball',
			'Kicking knee bends at least 90 degrees in the back-swing',
			'Contacts the ball with the top of the foot or instep',
			'Kicking leg follows through high toward the target'
		]
	},
	{
		key: 'two_hand_strike',
		name: 'Two-hand strike',
		components: [
			'Stands side-on to the target area',
			'Eyes focused on the ball throughout',
			'Hands together, bottom hand matching the front foot',
			'Steps toward the target with the front foot',
			'Hips then shoulders rotate forward',
			'Contact on the front foot with straight arms',
			'Follows through with the bat around the body'
		]
	},
	{
		key: 'dodge',
		name: 'Dodge',
		components: [
			'Changes direction by bending the knee and pushing off the outside foot',
			'Change of direction happens in one step',
			'Body lowered during the change of direction',
			'Eyes focused forward',
			'Dodges equally well to both sides'
		]
	}
];

const pad = (/** @type {number} */ n, /** @type {number} */ width) =>
	String(n).padStart(width, '0');

/** Given and family names, 25 per class, in class order (shared, teacherA, teacherB). */
const STUDENT_NAMES = [
	// 4 Wattle (shared)
	['Olivia', 'Smith'],
	['Minh', 'Tran'],
	['Aarav', 'Patel'],
	['Zara', 'Hassan'],
	['Jack', "O'Connor"],
	['Mia', 'Papadopoulos'],
	['Liam', 'Wilson'],
	['Chloe', 'Chen'],
	['Kai', 'Tuilagi'],
	['Isla', 'Thompson'],
	['Noah', 'Nguyen'],
	['Amelia', 'Rossi'],
	['Hamza', 'Ahmadi'],
	['Grace', 'Kim'],
	['Ethan', 'Brown'],
	['Sienna', 'Murray'],
	['Arjun', 'Singh'],
	['Ruby', 'Anderson'],
	['Lachlan', 'Mitchell'],
	['Aisha', 'Mohamed'],
	['Leo', 'Costa'],
	['Harper', 'Lee'],
	['Jayden', 'Santos'],
	['Matilda', 'Jones'],
	['Yusuf', 'Demir'],
	// 3 Banksia (teacherA's own)
	['Charlotte', 'Taylor'],
	['Oliver', 'Martin'],
	['Ananya', 'Sharma'],
	['William', 'Harris'],
	['Mai', 'Le'],
	['Archie', 'Campbell'],
	['Evie', 'Stewart'],
	['Hugo', 'Fernandes'],
	['Layla', 'Khoury'],
	['Thomas', 'White'],
	['Ivy', 'Zhang'],
	['Samuel', 'Okafor'],
	['Frankie', 'Green'],
	['Daniel', 'Pham'],
	['Alice', 'Robinson'],
	['Mason', 'Clarke'],
	['Sofia', 'Georgiou'],
	['Jasper', 'Hughes'],
	['Hannah', 'Wright'],
	['Rohan', 'Iyer'],
	['Eliza', 'Scott'],
	['Luca', 'Bianchi'],
	['Maya', 'Williams'],
	['Henry', 'Edwards'],
	['Tahlia', 'Roberts'],
	// 6 Grevillea (teacherB's own)
	['Jacob', 'King'],
	['Ella', 'Morris'],
	['Ibrahim', 'Yilmaz'],
	['Zoe', 'Baker'],
	['Riley', 'Cooper'],
	['Sakura', 'Tanaka'],
	['Cooper', 'Evans'],
	['Lily', 'Ward'],
	['Finn', 'Kelly'],
	['Amira', 'Saleh'],
	['Harrison', 'Bell'],
	['Emily', 'Doan'],
	['Xavier', 'Reyes'],
	['Scarlett', 'Hall'],
	['Bilal', 'Qureshi'],
	['Georgia', 'Turner'],
	['Max', 'Schmidt'],
	['Jasmine', 'Wong'],
	['Lucas', 'Silva'],
	['Poppy', 'Richardson'],
	['Mateo', 'Gonzalez'],
	['Ayesha', 'Rahman'],
	['Levi', 'Young'],
	['Savannah', 'Tupou'],
	['Oscar', 'Morgan']
];
const STUDENTS_PER_CLASS = 25;

/** Fixed 15-character ids ([a-z0-9]) of every seeded record. */
export const DEMO_IDS = {
	users: Object.fromEntries(DEMO_USERS.map((u) => [u.key, u.id])),
	classes: { shared: 'democlass000001', teacherA: 'democlass000002', teacherB: 'democlass000003' },
	periods: {
		term1: 'demo2026term001',
		term2: 'demo2026term002',
		term3: 'demo2026term003',
		term4: 'demo2026term004'
	},
	assessments: {
		...Object.fromEntries(FMS_SKILLS.map((s, i) => [s.key, `demofms${pad(i + 1, 8)}`])),
		sprint: 'demosprint40m01',
		items: 'demoecritems001',
		grade: 'demograde000001'
	},
	/** In class order: [0, 25) the shared class, [25, 50) teacherA's, [50, 75) teacherB's. */
	students: STUDENT_NAMES.map((_, i) => `demostudent${pad(i + 1, 4)}`)
};

/** Sync fields of a record that no device has edited yet. */
const FRESH = { stamps: {}, seq: 0, deleted: false };

/** @param {string} day `YYYY-MM-DD`; dates are days, stored at UTC midnight. */
const day = (day) => `${day} 00:00:00.000Z`;

function demoRecords() {
	// The coordinator reads every class and teaches none.
	const [teacherA, teacherB] = DEMO_USERS;
	const users = DEMO_USERS.map((u) => ({
		id: u.id,
		email: u.email,
		emailVisibility: false,
		verified: true,
		password: u.password,
		passwordConfirm: u.password,
		name: u.name,
		role: u.role
	}));

	const classes = [
		{
			id: DEMO_IDS.classes.shared,
			name: '4 Wattle',
			year_level: 4,
			teachers: [teacherA.id, teacherB.id]
		},
		{ id: DEMO_IDS.classes.teacherA, name: '3 Banksia', year_level: 3, teachers: [teacherA.id] },
		{ id: DEMO_IDS.classes.teacherB, name: '6 Grevillea', year_level: 6, teachers: [teacherB.id] }
	].map((c) => ({ ...c, ...FRESH }));
	const classOrder = [
		DEMO_IDS.classes.shared,
		DEMO_IDS.classes.teacherA,
		DEMO_IDS.classes.teacherB
	];

	const students = STUDENT_NAMES.map(([given_name, family_name], i) => ({
		id: DEMO_IDS.students[i],
		given_name,
		family_name,
		student_number: `D26${pad(i + 1, 3)}`,
		classes: [classOrder[Math.floor(i / STUDENTS_PER_CLASS)]],
		...FRESH
	}));

	// Victorian government school terms, 2026.
	const periods = [
		{
			id: DEMO_IDS.periods.term1,
			name: 'Term 1 2026',
			starts: day('2026-01-27'),
			ends: day('2026-04-02')
		},
		{
			id: DEMO_IDS.periods.term2,
			name: 'Term 2 2026',
			starts: day('2026-04-20'),
			ends: day('2026-06-26')
		},
		{
			id: DEMO_IDS.periods.term3,
			name: 'Term 3 2026',
			starts: day('2026-07-13'),
			ends: day('2026-09-18')
		},
		{
			id: DEMO_IDS.periods.term4,
			name: 'Term 4 2026',
			starts: day('2026-10-05'),
			ends: day('2026-12-18')
		}
	].map((p) => ({ ...p, ...FRESH }));

	// Component hints for field mode: what "demonstrated" looks like. These are
	// Markbook's own plain words for the demo, not the wording of the sources
	// above (whose component descriptions are the labels).
	const hints = DEMO_COMPONENT_HINTS;

	// Encodings follow src/lib/domain/assessment.ts: items levels are
	// `{ min, level }` (the highest min the total reaches), timed levels
	// `{ max, level }` (the smallest max the best time is within), a grade
	// component names its `scale`, best first.
	const checklists = FMS_SKILLS.map((skill) => {
		const n = skill.components.length;
		return {
			id: DEMO_IDS.assessments[skill.key],
			name: skill.name,
			framework: 'Vic FMS',
			kind: 'checklist',
			components: skill.components.map((label, i) => {
				const hint = hints[skill.key]?.[i];
				return { key: `c${i + 1}`, label, max: 1, ...(hint ? { hint } : {}) };
			}),
			// van Beurden et al. 2002: mastery = every component; near mastery = all
			// but one. Scoring applies this rule itself; the levels state it for readers.
			levels: [
				{ level: 'near_mastery', min: n - 1 },
				{ level: 'mastery', min: n }
			],
			scale: null,
			active: true
		};
	});

	const sprint = {
		id: DEMO_IDS.assessments.sprint,
		name: '40 m sprint',
		framework: 'ASTS',
		kind: 'timed',
		components: [{ key: 'time', label: 'Time (s), best of the attempts' }],
		levels: [
			{ level: 'Working towards', max: 3600 },
			{ level: 'At expected level', max: 8.5 },
			{ level: 'Above expected level', max: 7.5 }
		],
		// Plausible times: a 40 m sprint in under 4 s is a slip on the stopwatch.
		min_seconds: 4,
		max_seconds: 90,
		scale: null,
		active: true
	};

	const itemMax = [1, 1, 1, 2, 2, 2, 2, 3, 3, 3]; // 20 points
	const items = {
		id: DEMO_IDS.assessments.items,
		name: 'Reading comprehension check',
		framework: 'ECR',
		kind: 'items',
		components: itemMax.map((max, i) => ({ key: `q${i + 1}`, label: `Item ${i + 1}`, max })),
		levels: [
			{ level: 'Below expected', min: 0 },
			{ level: 'At expected', min: 10 },
			{ level: 'Above expected', min: 16 }
		],
		scale: null,
		active: true
	};

	const grade = {
		id: DEMO_IDS.assessments.grade,
		name: 'Physical Education',
		framework: 'Running grade',
		kind: 'grade',
		// Victorian Curriculum reporting: A well above … E well below the expected level.
		components: [{ key: 'grade', label: 'Grade', scale: ['A', 'B', 'C', 'D', 'E'] }],
		levels: [],
		scale: ['A', 'B', 'C', 'D', 'E'],
		active: true
	};

	const assessments = [...checklists, sprint, items, grade].map((a) => ({ ...a, ...FRESH }));

	return { users, classes, students, periods, assessments };
}

/**
 * Creates the demo school on the server at `url`, signing in as the office
 * (DEMO_SUPERUSER, which must exist). Only missing records are created.
 *
 * @param {string} url e.g. `http://127.0.0.1:8090`
 * @returns {Promise<{ created: boolean, counts: Record<string, number> }>}
 *   `created` is true when anything was missing; `counts` are the demo
 *   records now present, per collection.
 */
export async function seedDemoSchool(url) {
	const pb = new PocketBase(url);
	// Parallel creates share a request key; the SDK would cancel all but the last.
	pb.autoCancellation(false);
	await pb
		.collection('_superusers')
		.authWithPassword(DEMO_SUPERUSER.email, DEMO_SUPERUSER.password);

	const records = demoRecords();
	let created = false;
	/** @type {Record<string, number>} */
	const counts = {};
	// Dependency order: classes need users, students need classes.
	for (const name of /** @type {const} */ ([
		'users',
		'classes',
		'students',
		'periods',
		'assessments'
	])) {
		const wanted = records[name];
		const existing = await existingIds(
			pb,
			name,
			wanted.map((r) => r.id)
		);
		const missing = wanted.filter((r) => !existing.has(r.id));
		await inChunks(missing, 8, (record) => pb.collection(name).create(record));
		if (missing.length > 0) created = true;
		counts[name] = wanted.length;
	}
	pb.authStore.clear();
	return { created, counts };
}

/**
 * Which of `ids` already exist in `collection` (one request per 50 ids).
 * @param {PocketBase} pb
 * @param {string} collection
 * @param {string[]} ids
 */
async function existingIds(pb, collection, ids) {
	const found = new Set();
	for (let i = 0; i < ids.length; i += 50) {
		const chunk = ids.slice(i, i + 50);
		const filter = chunk.map((_, j) => `id = {:id${j}}`).join(' || ');
		const params = Object.fromEntries(chunk.map((id, j) => [`id${j}`, id]));
		const rows = await pb
			.collection(collection)
			.getFullList({ filter: pb.filter(filter, params), fields: 'id' });
		for (const row of rows) found.add(row.id);
	}
	return found;
}

/**
 * Runs `fn` over `items`, `size` at a time (the batch API is off by default).
 * @template T
 * @param {T[]} items
 * @param {number} size
 * @param {(item: T) => Promise<unknown>} fn
 */
async function inChunks(items, size, fn) {
	for (let i = 0; i < items.length; i += size) {
		await Promise.all(items.slice(i, i + size).map(fn));
	}
}
