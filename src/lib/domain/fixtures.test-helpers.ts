// Assessments shared by the domain tests (not a test file itself).
import type { Assessment } from './assessment';

export const HOP: Assessment = {
	id: 'asshop000000001',
	name: 'Hop',
	framework: 'Vic FMS',
	kind: 'checklist',
	components: [
		{ key: 'c1', label: 'Support leg bends on landing' },
		{ key: 'c2', label: 'Lands on the ball of the foot' },
		{ key: 'c3', label: 'Non-support leg swings in rhythm' },
		{ key: 'c4', label: 'Head stable, eyes forward' }
	],
	levels: [],
	active: true
};

export const RUNS: Assessment = {
	id: 'assruns00000001',
	name: 'Shuttle runs',
	framework: 'ASTS',
	kind: 'items',
	components: [
		{ key: 'run_1', label: 'Run 1', max: 4 },
		{ key: 'run_2', label: 'Run 2', max: 4 },
		{ key: 'run_3', label: 'Run 3', max: 4 }
	],
	levels: [
		{ min: 0, level: 'beginning' },
		{ min: 5, level: 'consolidating' },
		{ min: 10, level: 'established' }
	],
	active: true
};

export const SPRINT: Assessment = {
	id: 'asssprint000001',
	name: '50 m sprint',
	framework: 'ASTS',
	kind: 'timed',
	components: [{ key: 'time', label: '50 m time' }],
	levels: [
		{ max: 8.5, level: 'fast' },
		{ max: 10, level: 'typical' },
		{ max: 3600, level: 'developing' }
	],
	active: true
};

export const ENGLISH: Assessment = {
	id: 'asseng00000001a',
	name: 'English',
	framework: 'Running grade',
	kind: 'grade',
	components: [{ key: 'grade', label: 'Grade', scale: ['A', 'B', 'C', 'D', 'E'] }],
	levels: [],
	active: true
};
