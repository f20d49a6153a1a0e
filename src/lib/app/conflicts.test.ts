import { describe, expect, it } from 'vitest';
import { describeEdit, mainPath, shown } from './conflicts';
import { componentEdit, type Reader } from './data';

const NOTHING: Reader = { get: () => undefined, list: () => [] };
const KEY = {
	student: 'stu000000000001',
	class: 'cls000000000001',
	assessment: 'ass000000000001',
	period: 'per000000000001'
};

describe('a notice about a result the office deleted', () => {
	it('says in words that the whole result was deleted and what keeping yours does', () => {
		const context = describeEdit(NOTHING, 'results', 'res000000000001', 'deleted');
		expect(context.field).toBe('The whole result (the school office deleted it)');
		expect(shown(context, true)).toBe('Deleted');
		expect(shown(context, false)).toBe('Kept, with your marks');
	});
});

describe('a result edit', () => {
	it('says the result is alive, and its main path is still the component', () => {
		const edit = componentEdit(KEY, 'c1', 1);
		expect(edit.fields['deleted']).toBe(false);
		const op = { collection: 'results', record: edit.id, fields: edit.fields } as unknown;
		expect(mainPath(op as Parameters<typeof mainPath>[0])).toBe('values.c1');
	});
});
