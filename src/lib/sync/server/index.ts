/** The server side of sync, bundled into pb_hooks/lib/markbook.js. */
export { handlePush, SERVER_DEVICE } from './push';
export { handlePull, handleStatus, PULL_DEFAULT_LIMIT, PULL_MAX_LIMIT } from './pull';
export { applyExternalEdit, EXTERNAL_DEVICE, serverOwnedFields } from './external';
export type { ExternalEdit, ExternalEditInput } from './external';
export { applyCorrection, correctionResultId, parseCorrection } from './correction';
export type { Correction, CorrectionRequest } from './correction';
export { checkPushText, PUSH_TOO_LARGE_MESSAGE } from './limits';
export type {
	Actor,
	AuditEntry,
	ConflictNotice,
	DeviceRow,
	HandlerAnswer,
	Scope,
	ServerStore
} from './store';
