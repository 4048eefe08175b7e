import { execSync } from 'node:child_process';
import { userInfo } from 'node:os';
import type { Options } from 'tsup';

/**
 * The one build shape every library package uses: a single entry, ESM and CJS
 * bundles plus bundled declarations. Workspace dependencies stay external, so
 * each package is importable alone and embedders get one copy of each.
 */
export function packageBuild(overrides: Partial<Options> = {}): Options {
  return {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    // tsup's declaration bundler sets `baseUrl`, which TypeScript 6 deprecates.
    dts: { compilerOptions: { composite: false, emitDeclarationOnly: false, declarationMap: false, ignoreDeprecations: '6.0' } },
    clean: true,
    sourcemap: true,
    target: 'node20',
    outExtension: ({ format }) => ({ js: format === 'esm' ? '.mjs' : '.js' }),
    tsconfig: 'tsconfig.json',
    ...overrides,
  };
}

/**
 * The build facts a daemon reports in `/version`, `/state` and GET_VERSION, stamped into its bundle as
 * `process.env` constants (tsup's `env`): the build time, the user, and the git commit when built in a checkout.
 */
export function buildFactsEnv(): Record<string, string> {
  let sha = '';
  try {
    sha = execSync('git rev-parse HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    // Not a git checkout (e.g. a release tarball): Mesos leaves git_sha out then too.
  }
  return { MESOS_TS_BUILD_TIME: String(Math.floor(Date.now() / 1000)), MESOS_TS_BUILD_USER: userInfo().username, MESOS_TS_GIT_SHA: sha };
}
