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
