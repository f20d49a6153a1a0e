export interface DemoLogin {
	key: string;
	email: string;
	password: string;
	name: string;
	role: 'teacher' | 'coordinator';
}
export const DEMO_SUPERUSER: { email: string; password: string };
export const DEMO_USERS: DemoLogin[];
export const DEMO_IDS: {
	classes: { shared: string; teacherA: string; teacherB: string };
	periods: Record<string, string>;
	assessments: Record<string, string>;
	[key: string]: unknown;
};
export function seedDemoSchool(url: string): Promise<{ created: boolean; counts: Record<string, number> }>;
