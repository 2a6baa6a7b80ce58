/**
 * The import rules of src/, checked by `npm test` (test/unit/dependency-rules.test.ts).
 * The pipeline runs one way: a folder may import its own layer and the layers before it,
 * never one after it; and no module may reach itself through its imports.
 */
const LAYERS = [
  ['types', 'errors', 'grpc', 'redact', 'tool-version\\.ts'],
  ['stats', 'schedule'],
  ['scenario'],
  ['plan'],
  ['driver'],
  ['pool'],
  ['monitor', 'target'],
  ['report'],
  ['reporters', 'compare', 'dashboard', 'history'],
  ['run'],
  ['journal'],
  ['cli'],
];

const folders = (layers) => `^src/(${layers.flat().join('|')})(/|$)`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module that reaches itself through its imports: split the shared part out.',
      from: {},
      to: { circular: true },
    },
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: `no-upward-from-${layer[0].replace(/\W.*/, '')}`,
      severity: 'error',
      comment: `${layer.join(', ')} may import only their own layer and the ones before them (${LAYERS.slice(0, i).flat().join(', ') || 'none'}).`,
      from: { path: folders([layer]) },
      to: { path: folders(LAYERS.slice(i + 1)) },
    })),
    {
      name: 'no-dev-dependency-in-src',
      severity: 'error',
      comment: 'src/ ships to users: it may not import a devDependency.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
