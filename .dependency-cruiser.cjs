/**
 * dependency-cruiser: the layers (core <- sim <- backends <- scenarios, reports <- cli; imports point down)
 * and no import cycles. Run by `npm test` (npm run deps).
 */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'no import cycle, type-only imports included', from: {}, to: { circular: true } },
    { name: 'core-imports-nothing-of-the-project', severity: 'error', from: { path: '^core/' }, to: { path: '^(sim|scenarios|reports|cli|test)/' } },
    { name: 'sim-imports-core-only', severity: 'error', from: { path: '^sim/' }, to: { path: '^(backends|scenarios|reports|cli|test)/' } },
    { name: 'backends-import-core-and-sim', severity: 'error', from: { path: '^backends/' }, to: { path: '^(scenarios|reports|cli|test)/' } },
    { name: 'backends-do-not-import-each-other', severity: 'error', comment: 'the git backend and the Dovecot backend share only the seam (sim/replicaServer.ts)', from: { path: '^backends/git/' }, to: { path: '^backends/dovecot/' } },
    { name: 'scenarios-import-core-and-sim', severity: 'error', from: { path: '^scenarios/' }, to: { path: '^(reports|cli|test)/' } },
    { name: 'reports-import-core-and-sim', severity: 'error', from: { path: '^reports/' }, to: { path: '^(backends|scenarios|cli|test)/' } },
    { name: 'cli-not-from-tests', severity: 'error', from: { path: '^cli/' }, to: { path: '^test/' } },
    { name: 'no-node-fs-in-core-or-sim', severity: 'error', from: { path: '^(core|sim|backends/git)/' }, to: { path: '^(fs|node:fs)$|^fs/promises$', dependencyTypes: ['core'] } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|out|reports/latest|coverage)/' },
  },
};
