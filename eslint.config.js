import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Data flows one way (DESIGN.md): each folder of src/ may import only the folders before it.
// core imports nothing; no product code imports the simulator, and the simulator imports no
// diagnosis, cause, remedy, report or command code: it reaches the product only through a
// kubeconfig and real sockets.
const LAYERS = [
  'core',
  'pki',
  'openshift',
  'metal3',
  'ignition',
  'probes',
  'sources',
  'checks',
  'causes',
  'diagnosis',
  'report',
  'remedies',
  'exporter',
  'commands',
  'demo',
  'cli',
];
const folder = (name) => [`**/${name}/**`, `../${name}/*`, `../../${name}/*`];
const layerRules = LAYERS.map((layer, i) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...LAYERS.slice(i + 1).map((higher) => ({
            group: folder(higher),
            message: `src/${layer} sits below src/${higher}: data flows one way (cli -> commands -> ... -> core)`,
          })),
          {
            group: folder('sim'),
            message: 'product code never imports the simulator (it is reached through a kubeconfig)',
          },
          ...(layer === 'core'
            ? [{ group: ['../*', '../**'], message: 'core imports nothing outside itself' }]
            : []),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'dist-sea/', 'node_modules/', 'coverage/', '.bench/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layerRules,
  {
    files: ['src/sim/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['diagnosis', 'causes', 'remedies', 'checks', 'report', 'commands', 'cli', 'sources'].map(
            (p) => ({
              group: folder(p),
              message: 'the simulator is a model of OpenShift: it uses no diagnosis, remedy or report code',
            }),
          ),
        },
      ],
    },
  },
  {
    // The simulator's own front ends: `mcs-doctor sim ...` and the demo start it in-process.
    files: ['src/commands/sim.ts', 'src/demo/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
