/**
 * The functional core of Markbook sync: pure, synchronous, no I/O. The device
 * runs it, and the server runs the same code bundled into pb_hooks/lib.
 */
export type {
	Change,
	FieldPath,
	Json,
	Op,
	OpResult,
	OpStatus,
	PullResponse,
	PushRequest,
	PushResponse,
	Stamp,
	SyncedCollection,
	WireRecord
} from './types';
export { CLOCK_MAX_AHEAD_MS, PUSH_MAX_BYTES, PUSH_MAX_OPS, WIRE_VERSION } from './types';

/** Hybrid logical clock stamps. */
export {
	STAMP_COUNTER_DIGITS,
	STAMP_COUNTER_MAX,
	STAMP_MS_DIGITS,
	STAMP_MS_MAX,
	clampStamp,
	clampThroughHlc,
	compareStamps,
	createHlcState,
	formatStamp,
	hlcNow,
	hlcReceive,
	isDeviceId,
	isClientDeviceId,
	isReservedDeviceId,
	RESERVED_DEVICE_IDS,
	RESERVED_DEVICE_PREFIXES,
	isStamp,
	maxStamp,
	parseStamp
} from './stamp';
export type { HlcState, ParsedStamp } from './stamp';

/** Field paths (`notes`, `values.run_3`). */
export { getPath, isValidPath, setPath, splitPath } from './paths';
export type { SplitPath } from './paths';

/** Canonical JSON, for byte-identical comparison of replicas. */
export { canonicalJson, compareJson, isJsonObject, jsonEqual, sortKeys } from './json';

/** The depth limit of stored JSON values. */
export { JSON_MAX_DEPTH, jsonTooDeep } from './json-depth';

/** Collection shapes and merge rules. */
export { DELETED_PATH, RESERVED_FIELDS, ruleForPath } from './schema';
export type { CollectionSchema, FieldSpec, MergeRule } from './schema';
export { mergeField, summarizeOutcomes } from './merge';
export type { FieldMerge, FieldState, MergeOutcome } from './merge';
export { applyOp, applyRemote, emptyRecord, setServerFields } from './apply';
export type { ApplyOpContext, ApplyOpResult, Loser } from './apply';

/** Record ids. */
export {
	RECORD_ID_LENGTH,
	isRecordId,
	randomRecordId,
	resultId,
	sha256Hex,
	toHex,
	utf8Bytes
} from './ids';
