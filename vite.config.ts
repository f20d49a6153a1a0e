import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		sveltekit(),
		SvelteKitPWA({
			strategies: 'generateSW',
			registerType: 'prompt',
			injectRegister: false,
			// Absolute, with the root scope: SvelteKit's relative base made this
			// "./sw.js", which on /classes/<id> is /classes/sw.js (the app's HTML),
			// so a page opened there never registered and never heard of updates.
			base: '/',
			scope: '/',
			manifest: {
				name: 'Markbook',
				short_name: 'Markbook',
				description: 'Assessment and gradebook for teachers, online or not',
				theme_color: '#1d4ed8',
				background_color: '#ffffff',
				display: 'standalone',
				start_url: '/',
				scope: '/',
				icons: [
					{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
					{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
					{
						src: '/icons/icon-512-maskable.png',
						sizes: '512x512',
						type: 'image/png',
						purpose: 'maskable'
					}
				]
			},
			workbox: {
				globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,woff,woff2,webmanifest}'],
				navigateFallback: '/index.html',
				// PocketBase owns these paths: without the denylist the service worker
				// answers /_/ (the admin UI) with the app shell, and /api/ with HTML.
				navigateFallbackDenylist: [/^\/_\//, /^\/api\//],
				clientsClaim: true,
				cleanupOutdatedCaches: true
			},
			kit: { spa: true, adapterFallback: 'index.html' }
		})
	],
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
					environment: 'node',
					sequence: { groupOrder: 0 }
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					testTimeout: 60_000,
					hookTimeout: 120_000,
					// Each file starts its own PocketBase; two cores, so two at a time.
					maxWorkers: 2,
					sequence: { groupOrder: 1 },
					globalSetup: ['tests/harness/global-setup.ts']
				}
			}
		]
	}
});
