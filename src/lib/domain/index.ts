/**
 * The school's data rules, shared by the device and the server: collection
 * definitions, validation of ops and scoring of results.
 */
export {
	ASSESSMENT_KINDS,
	COMPONENT_HINT_MAX_CHARS,
	DEFAULT_GRADE_SCALE,
	TIMED_MAX_SECONDS,
	componentMax,
	componentOf,
	componentScale,
	parseAssessment,
	secondsBounds
} from './assessment';
export type {
	Assessment,
	AssessmentComponent,
	AssessmentKind,
	LevelThreshold,
	ParseAssessmentResult,
	SecondsBounds
} from './assessment';

export {
	ACCESS,
	CLASS_RECORDS,
	WRITE_RULE,
	mayRead,
	readRule,
	readSql,
	recordsFor
} from './access';
export type { Access, ReadScope, Reader, WriteScope } from './access';

export {
	CONFLICT_STATUSES,
	SCHEMAS,
	SYNCED_COLLECTIONS,
	clientFields,
	isSyncedCollection,
	ruleFor
} from './collections';
export type { ConflictStatus } from './collections';

export {
	NOTES_MAX_CHARS,
	OBSERVATION_MAX_CHARS,
	validateComponentValue,
	validateOp
} from './validate';
export type { ValidateContext, ValidationCode, ValidationResult } from './validate';

export {
	LEVEL_DEVELOPING,
	LEVEL_LABELS,
	LEVEL_MASTERY,
	LEVEL_NEAR_MASTERY,
	deriveResult,
	levelLabel
} from './scoring';
export type { DerivedResult } from './scoring';

export { parseRoster, planRoster, rosterAnswer, ROSTER_COLUMNS, ROSTER_TEMPLATE } from './roster';
export type { ParsedRoster, RosterError, RosterPlan, RosterRow, RosterWorld } from './roster';
export { parseStaff, planStaff, staffAnswer, STAFF_ROLES, STAFF_TEMPLATE } from './staff';
export type { ParsedStaff, StaffAnswer, StaffPlan, StaffRole, StaffWorld } from './staff';
export type { CsvError } from './csv';
export { checkPeriods, periodsFromTemplate, PERIOD_TEMPLATES } from './periods';
export type { PeriodDraft, PeriodTemplate } from './periods';

export { DEVICE_STALE_DAYS, DEVICE_STALE_MS } from './health';
export type { HealthReport } from './health';

export { ABSENCE_KINDS, STATUS_FIELD, isDay, statusOf, validateStatus } from './status';
export type { AbsenceKind, ResultStatus } from './status';
