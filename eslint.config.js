import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'pb_hooks/lib/',
			'pb_data/',
			'node_modules/',
			'test-results/',
			'pocketbase/',
			'dist/',
			'tmp/',
			'bench/.build/',
			'bench/node_modules/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/consistent-type-imports': 'error',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }
			],
			'no-empty-pattern': 'off'
		}
	},
	{
		files: ['**/*.ts', '**/*.svelte', '**/*.svelte.ts'],
		ignores: ['tests/**', '*.config.ts', 'bench/**'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error'
		}
	},
	{
		// The sync engine runs in Node tests and inside PocketBase: no Svelte,
		// no SvelteKit, no DOM-bound app modules.
		files: ['src/lib/sync/**/*.ts', 'src/lib/domain/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: ['svelte', 'svelte/*', '$app/*', '*.svelte', '$lib/ui/*', '$lib/pocketbase'] }
			]
		}
	},
	{
		// pb_hooks run in PocketBase's goja engine with its own globals.
		files: ['pb_hooks/**/*.js', 'pb_migrations/**/*.js'],
		languageOptions: {
			globals: {
				$app: 'readonly',
				$apis: 'readonly',
				$os: 'readonly',
				$security: 'readonly',
				$dbx: 'readonly',
				$http: 'readonly',
				$filesystem: 'readonly',
				$mails: 'readonly',
				$template: 'readonly',
				$tokens: 'readonly',
				$osArgs: 'readonly',
				__hooks: 'readonly',
				migrate: 'readonly',
				routerAdd: 'readonly',
				routerUse: 'readonly',
				onRecordCreate: 'readonly',
				onRecordUpdate: 'readonly',
				onRecordDelete: 'readonly',
				onBootstrap: 'readonly',
				onBackupRestore: 'readonly',
				onTerminate: 'readonly',
				onRecordCreateRequest: 'readonly',
				onRecordUpdateRequest: 'readonly',
				onRecordDeleteRequest: 'readonly',
				onRecordAfterCreateSuccess: 'readonly',
				onRecordAfterUpdateSuccess: 'readonly',
				onRecordAfterDeleteSuccess: 'readonly',
				onRealtimeSubscribeRequest: 'readonly',
				onRealtimeMessageSend: 'readonly',
				onRealtimeConnectRequest: 'readonly',
				onRecordEnrich: 'readonly',
				cronAdd: 'readonly',
				Collection: 'readonly',
				Record: 'readonly',
				Field: 'readonly',
				TextField: 'readonly',
				NumberField: 'readonly',
				BoolField: 'readonly',
				JSONField: 'readonly',
				RelationField: 'readonly',
				SelectField: 'readonly',
				DateField: 'readonly',
				AutodateField: 'readonly',
				EmailField: 'readonly',
				DynamicModel: 'readonly',
				BadRequestError: 'readonly',
				ForbiddenError: 'readonly',
				UnauthorizedError: 'readonly',
				NotFoundError: 'readonly',
				ApiError: 'readonly',
				TooManyRequestsError: 'readonly',
				sleep: 'readonly',
				toString: 'readonly',
				arrayOf: 'readonly',
				RequestInfo: 'readonly',
				// used by the security hooks (pb_hooks/50_security.pb.js)
				onCollectionUpdateRequest: 'readonly',
				onCollectionDeleteRequest: 'readonly',
				onCollectionsImportRequest: 'readonly',
				onRecordsListRequest: 'readonly',
				toBytes: 'readonly',
				onRecordAuthWithPasswordRequest: 'readonly',
				unmarshal: 'readonly'
			}
		},
		rules: {
			'@typescript-eslint/no-require-imports': 'off',
			'@typescript-eslint/triple-slash-reference': 'off',
			'no-undef': 'error'
		}
	}
);
