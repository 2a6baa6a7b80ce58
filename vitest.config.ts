import { defineConfig } from 'vitest/config';

// Worker threads run the compiled code in dist/: `npm test` builds first.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Pure logic on synthetic data, fake timers where time matters: two files at a time use both cores.
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'load',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          // Load tests share two cores: one file at a time keeps their figures about the product, not each other.
          // They start once the unit files are done (the higher group order).
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
