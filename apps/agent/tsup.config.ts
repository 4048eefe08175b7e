import { defineConfig } from 'tsup';
import { packageBuild } from '../../tools/build/tsup.base';

// The library entry (flags, resource detection, attributes) plus the daemon's
// `mesos-agent` bin; tsup keeps main.ts's shebang and marks the file executable.
export default defineConfig(packageBuild({ entry: { index: 'src/index.ts', main: 'src/main.ts' } }));
