/**
 * A new school year's periods from a template (the Office page and
 * POST /api/office/periods). Dates are suggestions the office edits before
 * saving: a Victorian-style year of four terms, or two semesters, or quarters.
 */
export type PeriodTemplate = 'terms' | 'semesters' | 'quarters';

export const PERIOD_TEMPLATES: readonly PeriodTemplate[] = ['terms', 'semesters', 'quarters'];

export interface PeriodDraft {
	name: string;
	/** YYYY-MM-DD */
	starts: string;
	/** YYYY-MM-DD */
	ends: string;
}

// Month-day spans of a typical year; the office adjusts them to its calendar.
const TERMS: [string, string][] = [
	['01-27', '04-02'],
	['04-20', '06-26'],
	['07-13', '09-18'],
	['10-05', '12-18']
];

/** The periods of `year` for a template, in order. */
export function periodsFromTemplate(template: PeriodTemplate, year: number): PeriodDraft[] {
	const at = (md: string): string => `${year}-${md}`;
	switch (template) {
		case 'terms':
			return TERMS.map(([s, e], i) => ({
				name: `Term ${i + 1} ${year}`,
				starts: at(s),
				ends: at(e)
			}));
		case 'quarters':
			return TERMS.map(([s, e], i) => ({ name: `Q${i + 1} ${year}`, starts: at(s), ends: at(e) }));
		case 'semesters':
			return [
				{ name: `Semester 1 ${year}`, starts: at(TERMS[0]![0]), ends: at(TERMS[1]![1]) },
				{ name: `Semester 2 ${year}`, starts: at(TERMS[2]![0]), ends: at(TERMS[3]![1]) }
			];
	}
}

/** Why a list of periods cannot be saved, or null. Names must be new to the school. */
export function checkPeriods(drafts: unknown, existingNames: readonly string[]): string | null {
	if (!Array.isArray(drafts) || drafts.length === 0 || drafts.length > 12) {
		return 'Give between 1 and 12 periods.';
	}
	const names = new Set(existingNames.map((n) => n.toLowerCase()));
	for (const [i, d] of drafts.entries()) {
		const p = d as Partial<PeriodDraft>;
		const label = `Period ${i + 1}`;
		if (typeof p.name !== 'string' || p.name.trim() === '' || p.name.length > 100) {
			return `${label} needs a name of up to 100 characters.`;
		}
		if (names.has(p.name.trim().toLowerCase())) return `“${p.name}” already exists.`;
		names.add(p.name.trim().toLowerCase());
		const day = /^\d{4}-\d{2}-\d{2}$/;
		if (typeof p.starts !== 'string' || !day.test(p.starts) || isNaN(Date.parse(p.starts))) {
			return `${p.name}: the start must be a date (YYYY-MM-DD).`;
		}
		if (typeof p.ends !== 'string' || !day.test(p.ends) || isNaN(Date.parse(p.ends))) {
			return `${p.name}: the end must be a date (YYYY-MM-DD).`;
		}
		if (p.ends < p.starts) return `${p.name} ends before it starts.`;
	}
	return null;
}
