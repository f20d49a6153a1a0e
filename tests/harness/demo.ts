/** The demo school's ids that the sync tests use, named once. */
import { DEMO_IDS } from '../../scripts/lib/seed.mjs';
import { login, studentsOf } from './sync';

/** Checklist, components c1…c5. */
export const BALANCE = DEMO_IDS.assessments['static_balance'] as string;
/** Checklist, components c1…c5. */
export const HOP = DEMO_IDS.assessments['hop'] as string;
/** Items q1…q10, max 1,1,1,2,2,2,2,3,3,3. */
export const ITEMS = DEMO_IDS.assessments['items'] as string;
export const TERM1 = DEMO_IDS.periods.term1;
export const TERM2 = DEMO_IDS.periods.term2;
export const TERM3 = DEMO_IDS.periods.term3;
/** Taught by both demo teachers. */
export const SHARED = DEMO_IDS.classes.shared;
export const A_OWN = DEMO_IDS.classes.teacherA;
export const B_OWN = DEMO_IDS.classes.teacherB;
export const SHARED_STUDENTS = studentsOf('shared');
export const A_STUDENTS = studentsOf('teacherA');
export const B_STUDENTS = studentsOf('teacherB');
export const TEACHER_A = login('teacherA').id;
export const TEACHER_B = login('teacherB').id;
