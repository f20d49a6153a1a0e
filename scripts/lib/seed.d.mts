export interface DemoLogin {
	key: 'teacherA' | 'teacherB' | 'coordinator';
	id: string;
	email: string;
	password: string;
	name: string;
	role: 'teacher' | 'coordinator';
}
export const DEMO_SUPERUSER: { email: string; password: string };
export const DEMO_USERS: DemoLogin[];
/** Field-mode hints by skill key, one per component in order (Markbook's wording). */
export const DEMO_COMPONENT_HINTS: Record<string, string[]>;
export const FMS_SKILLS: { key: string; name: string; components: string[] }[];
export const DEMO_IDS: {
	users: Record<DemoLogin['key'], string>;
	classes: { shared: string; teacherA: string; teacherB: string };
	periods: Record<'term1' | 'term2' | 'term3' | 'term4', string>;
	assessments: Record<string, string>;
	/** In class order: [0, 25) the shared class, [25, 50) teacherA's, [50, 75) teacherB's. */
	students: string[];
};
export function seedDemoSchool(
	url: string
): Promise<{ created: boolean; counts: Record<string, number> }>;
