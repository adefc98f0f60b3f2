import { defineConfig } from 'vitest/config';

/*
 * Four projects: unit tests beside the code; the integration tests in test/ run twice, once on
 * embedded PGlite and once on real PostgreSQL (neither is ever skipped); and the browser test of
 * the report page, in Chromium.
 */
const integration = {
  include: ['test/**/*.test.ts'],
  exclude: ['test/browser/**'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'] } },
      {
        test: {
          ...integration,
          name: 'pglite',
          env: { CWB_TEST_DB: 'pglite' },
          globalSetup: ['test/setup/pglite-template.ts'],
        },
      },
      {
        // The report page in Debian's Chromium (playwright-core), once, on PGlite.
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          env: { CWB_TEST_DB: 'pglite' },
          globalSetup: ['test/setup/pglite-template.ts'],
        },
      },
      {
        test: {
          ...integration,
          name: 'postgres',
          env: { CWB_TEST_DB: 'postgres' },
          globalSetup: ['test/setup/postgres-template.ts'],
        },
      },
    ],
  },
});
