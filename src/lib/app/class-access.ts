/**
 * Whether the signed-in user records for the class on screen (the class
 * pages' layout provides it; the grid, field mode and notes read it). The
 * rule is `recordsFor` in src/lib/domain/access.ts, the push's own rule: a
 * coordinator who does not teach a class sees it read-only instead of being
 * offered edits the server then refuses.
 */
import { getContext, setContext } from 'svelte';

export interface ClassAccess {
	/** True: the user may record results, times and notes for this class. */
	readonly records: boolean;
}

const KEY = Symbol('class-access');

export function provideClassAccess(access: ClassAccess): void {
	setContext(KEY, access);
}

/** The class's access; outside a class page (tests, a lone component) recording is allowed. */
export function classAccess(): ClassAccess {
	return getContext<ClassAccess | undefined>(KEY) ?? { records: true };
}
