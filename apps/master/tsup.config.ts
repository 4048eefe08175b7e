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

// The library entry, the `./testing` harness and the `mesos-master` bin; build facts are stamped in for `/version`.
export default defineConfig(
  packageBuild({
    entry: { index: 'src/index.ts', main: 'src/main.ts', testing: 'src/testing/index.ts' },
    env: {
      MESOS_TS_BUILD_TIME: String(Math.floor(Date.now() / 1000)),
      MESOS_TS_BUILD_USER: userInfo().username,
      MESOS_TS_GIT_SHA: gitSha(),
    },
  }),
);
