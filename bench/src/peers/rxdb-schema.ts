/** The RxDB schema of a result document, shared by the RxDB server and clients. */
export const RESULT_SCHEMA = {
	version: 0,
	primaryKey: 'id',
	type: 'object',
	properties: {
		id: { type: 'string', maxLength: 32 },
		student: { type: 'string' },
		class: { type: 'string', maxLength: 32 },
		assessment: { type: 'string' },
		period: { type: 'string' },
		values: { type: 'object' },
		stamps: { type: 'object' }
	},
	required: ['id', 'student', 'class', 'assessment', 'period', 'values', 'stamps']
} as const;
