import { defineConfig } from 'vitest/config';

/*
 * Three projects: unit tests beside the code, and the integration tests in test/ run twice,
 * once on embedded PGlite and once on real PostgreSQL. Neither database is ever skipped.
 */
const integration = {
  include: ['test/**/*.test.ts'],
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
