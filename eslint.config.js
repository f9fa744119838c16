// ESLint, with typescript-eslint's parser: the determinism bans for core/ and sim/ (no wall
// clock, Math.random, timers or node:fs: clock, rng and fs are injected, README.md "How it works"). They replace
// a hand-written text scan; test/sim/determinism.test.ts proves a planted Math.random fails.
// `no-floating-promises` everywhere: in a discrete-event simulator an un-awaited step runs
// after events it should precede, so every promise is awaited, or voided with a comment
// saying why nothing depends on when it settles. It needs type information, which the
// project service gives from tsconfig.json. Sources the lint tests plant through lintText
// (`<folder>/planted*.ts`, never on disk) get the service's default project.
import tseslint from 'typescript-eslint';

const TIMERS = ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate'];
const why = 'core/ and sim/ are deterministic: time, randomness and timers come from the injected clock, rng and scheduler';

export const determinismRules = {
  'no-restricted-globals': ['error', ...TIMERS.map((name) => ({ name, message: why })), { name: 'performance', message: why }],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: why },
    { object: 'Date', property: 'now', message: why },
    { object: 'performance', property: 'now', message: why },
    { object: 'process', property: 'hrtime', message: why },
    { object: 'crypto', property: 'randomUUID', message: why },
    { object: 'crypto', property: 'getRandomValues', message: why },
    { object: 'crypto', property: 'randomBytes', message: why },
    { object: 'globalThis', property: 'setTimeout', message: why },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: `new Date() reads the wall clock; ${why}` },
    { selector: "CallExpression[callee.name='Date']", message: `Date() reads the wall clock; ${why}` },
    { selector: "ImportExpression[source.value=/^(node:)?fs(\\u002Fpromises)?$/]", message: 'core/ and sim/ never import node:fs: the fs is injected' },
    { selector: "CallExpression[callee.name='require'][arguments.0.value=/^(node:)?fs(\\u002Fpromises)?$/]", message: 'core/ and sim/ never import node:fs: the fs is injected' },
  ],
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'fs', message: 'the fs is injected' },
        { name: 'node:fs', message: 'the fs is injected' },
        { name: 'fs/promises', message: 'the fs is injected' },
        { name: 'node:fs/promises', message: 'the fs is injected' },
        { name: 'node:timers', message: why },
        { name: 'node:timers/promises', message: why },
        { name: 'node:perf_hooks', message: why },
        { name: 'node:crypto', importNames: ['randomBytes', 'randomUUID', 'randomInt', 'getRandomValues', 'randomFillSync'], message: why },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'reports/latest/**', 'coverage/**', '.stryker-tmp/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      ecmaVersion: 2024,
      sourceType: 'module',
      parserOptions: { projectService: { allowDefaultProject: ['*/planted*.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  // The reference replica's backend is deterministic too; the Dovecot backend drives real processes.
  { files: ['core/**/*.ts', 'sim/**/*.ts', 'backends/git/**/*.ts'], rules: determinismRules },
);
