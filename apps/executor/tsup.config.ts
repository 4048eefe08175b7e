import { defineConfig } from 'tsup';
import { packageBuild } from '../../tools/build/tsup.base';

// The library entry plus the executables the agent launches with `node`: dist/mesos-executor.js,
// dist/mesos-default-executor.js and dist/mesos-docker-executor.js (CommonJS, with their `#!/usr/bin/env node` kept). Declarations for the library only.
export default defineConfig(
  packageBuild({
    entry: { index: 'src/index.ts', 'mesos-executor': 'src/mesos-executor.ts', 'mesos-default-executor': 'src/mesos-default-executor.ts', 'mesos-docker-executor': 'src/mesos-docker-executor.ts' },
    dts: {
      entry: { index: 'src/index.ts' },
      compilerOptions: { composite: false, emitDeclarationOnly: false, declarationMap: false, ignoreDeprecations: '6.0' },
    },
  }),
);
