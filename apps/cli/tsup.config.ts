import { defineConfig } from 'tsup';
import { packageBuild } from '../../tools/build/tsup.base';

// The library entry (the program and its commands, for embedding and tests) plus the `mesos` bin; tsup keeps
// main.ts's shebang and marks the file executable.
export default defineConfig(packageBuild({ entry: { index: 'src/index.ts', main: 'src/main.ts' } }));
