/**
 * Field mode's auto-advance setting, remembered per device. Storage may be
 * unavailable (a private window, a locked-down profile): the default applies
 * and a change still applies now.
 */
const AUTO_ADVANCE_KEY = 'markbook.field.autoAdvance';

/** Long enough to see the last tap land, short enough not to wait for. */
export const AUTO_ADVANCE_DELAY_MS = 900;

export function readAutoAdvance(): boolean {
	try {
		return localStorage.getItem(AUTO_ADVANCE_KEY) !== 'off';
	} catch {
		return true; // storage unavailable: the default
	}
}

export function saveAutoAdvance(on: boolean): void {
	try {
		localStorage.setItem(AUTO_ADVANCE_KEY, on ? 'on' : 'off');
	} catch {
		// Not remembered on this device; the setting still applies now.
	}
}
