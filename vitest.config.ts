import { defineConfig } from 'vitest/config';

// Worker threads run the compiled code in dist/: `npm test` builds first.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Load tests share two cores: one file at a time keeps their figures about the product, not each other.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
