import { defineConfig } from 'tsup';
import { buildFactsEnv, packageBuild } from '../../tools/build/tsup.base';

// The library entry plus the daemon's `mesos-agent` bin; tsup keeps main.ts's shebang and marks the file
// executable. `shims` gives the ESM build `__dirname`, which the default --launcher_dir is resolved from.
// Build facts are stamped in for `/state`, `/version` and GET_VERSION (build-info.ts).
export default defineConfig(
  packageBuild({
    entry: { index: 'src/index.ts', main: 'src/main.ts' },
    shims: true,
    env: buildFactsEnv(),
  }),
);
