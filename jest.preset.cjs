// Shared jest configuration. Tests run straight from TypeScript sources through
// @swc/jest (no build needed), and workspace packages resolve to their sources
// so a change in one package is seen by its dependants' tests at once.
const path = require('node:path');

module.exports = (projectDir) => ({
  displayName: path.basename(projectDir),
  rootDir: projectDir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    // Apps are importable too (their library entry and `./testing`), from apps/ rather than packages/.
    '^@mesos-ts/(master|agent|executor|cli)$': path.join(__dirname, 'apps/$1/src/index.ts'),
    '^@mesos-ts/(master|agent|executor|cli)/testing$': path.join(__dirname, 'apps/$1/src/testing/index.ts'),
    '^@mesos-ts/([a-z-]+)$': path.join(__dirname, 'packages/$1/src/index.ts'),
    '^@mesos-ts/([a-z-]+)/testing$': path.join(__dirname, 'packages/$1/src/testing/index.ts'),
    // Other subpaths (e.g. `@mesos-ts/allocator/driver`) are single modules under src/.
    '^@mesos-ts/([a-z-]+)/([a-z-]+)$': path.join(__dirname, 'packages/$1/src/$2.ts'),
  },
  testTimeout: 30000,
});
