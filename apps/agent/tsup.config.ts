import { execSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { defineConfig } from 'tsup';
import { packageBuild } from '../../tools/build/tsup.base';

function gitSha(): string {
  try {
    return execSync('git rev-parse HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '';
  }
}

// The library entry plus the daemon's `mesos-agent` bin; tsup keeps main.ts's shebang and marks the file
// executable. `shims` gives the ESM build `__dirname`, which the default --launcher_dir is resolved from.
// Build facts are stamped in for `/state`, `/version` and GET_VERSION (build-info.ts).
export default defineConfig(
  packageBuild({
    entry: { index: 'src/index.ts', main: 'src/main.ts' },
    shims: true,
    env: {
      MESOS_TS_BUILD_TIME: String(Math.floor(Date.now() / 1000)),
      MESOS_TS_BUILD_USER: userInfo().username,
      MESOS_TS_GIT_SHA: gitSha(),
    },
  }),
);
