import { defineConfig } from 'vitest/config';

// Worker threads run the compiled code in dist/: `npm test` builds first.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
