/**
 * Infrastructure failures of a transport, as a few named Error classes with
 * `cause`. Expected outcomes (an op rejected or superseded) are values in the
 * push answer instead; see OpResult.
 */

/** The request did not get an answer (offline, DNS, reset, timeout). Retried with backoff. */
export class NetworkError extends Error {
	override readonly name = 'NetworkError';
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
	}
}

/** 401: the session is gone. The engine pauses until `resume()` after sign-in. */
export class AuthError extends Error {
	override readonly name = 'AuthError';
	readonly status = 401;
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
	}
}

/**
 * Any other 4xx: the server refused the whole request (400 malformed, 403
 * device deactivated, 413 too large, 426 app too old). Not retried as is.
 * `message` is the server's words for the teacher when it sent some.
 */
export class RejectedError extends Error {
	override readonly name = 'RejectedError';
	readonly status: number;
	constructor(status: number, message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.status = status;
	}
}

/** 5xx: the server failed. Retried with backoff. */
export class ServerError extends Error {
	override readonly name = 'ServerError';
	readonly status: number;
	constructor(status: number, message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.status = status;
	}
}

/**
 * 409 `epoch_changed`: a push carried the epoch of the device's cursor and the
 * server now holds other data (restored from a backup, or replaced). Nothing
 * was applied; the engine pulls (which resets) and then pushes again.
 */
export class EpochChangedError extends Error {
	override readonly name = 'EpochChangedError';
	readonly status = 409;
	/** The server's epoch, when it said. */
	readonly epoch: string | null;
	constructor(epoch: string | null, message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.epoch = epoch;
	}
}

/** A transport error the engine retries with backoff. */
export function isRetryableError(error: unknown): error is NetworkError | ServerError {
	return error instanceof NetworkError || error instanceof ServerError;
}
