import { defineConfig } from 'tsup';
import { buildFactsEnv, packageBuild } from '../../tools/build/tsup.base';

// The library entry, the `./testing` harness and the `mesos-master` bin; build facts are stamped in for `/version`.
export default defineConfig(
  packageBuild({
    entry: { index: 'src/index.ts', main: 'src/main.ts', testing: 'src/testing/index.ts' },
    env: buildFactsEnv(),
  }),
);
