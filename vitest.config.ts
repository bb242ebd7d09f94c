import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites start real servers and clients; keep them off each other's ports and clocks.
    pool: 'forks',
    // One real PostgreSQL server for the run (the store's contract tests run on it as well as on SQLite).
    globalSetup: ['test/support/postgresGlobalSetup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
