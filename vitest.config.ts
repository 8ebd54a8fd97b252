import { defineConfig } from 'vitest/config';

// Tests import the TypeScript sources directly; CLI/MCP end-to-end tests spawn the built `dist/` (npm test
// builds first). Two workers: the CI machine has two cores and the wasm engine is single-threaded.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    setupFiles: ['test/setup.ts'],
  },
});
