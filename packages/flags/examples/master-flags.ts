// A few of mesos-master's flags, loaded the way the master will load them.
// Run: npx tsx --conditions=@mesos-ts/source packages/flags/examples/master-flags.ts --work_dir=/tmp/m --allocation_interval=500ms
import { defineFlags, formatDuration, resolveCommandLine } from '@mesos-ts/flags';

const masterFlags = defineFlags({
  ip: { type: 'string', help: 'IP address to listen on; the default is the first non-loopback address.' },
  port: { type: 'integer', help: 'Port to listen on.', default: 5050, min: 0, max: 65535 },
  work_dir: { type: 'string', help: 'Directory for the registry and other persistent state.' },
  allocation_interval: {
    type: 'duration',
    help: 'Time between batch allocations\n(e.g., 500ms, 1secs).',
    default: 1000,
    validate: (ms) => (ms <= 0 ? 'Expected --allocation_interval to be positive' : undefined),
  },
  offer_timeout: { type: 'duration', help: 'How long an offer may stay outstanding before it is rescinded.' },
});

const next = resolveCommandLine(masterFlags, { programName: 'mesos-master', argv: process.argv.slice(2), env: process.env });
if (next.action === 'exit') {
  process[next.stream].write(next.text);
  process.exit(next.exitCode);
}

const { flags, sources, warnings } = next.loaded;
for (const warning of warnings) console.warn(warning);
console.log(`listening on ${flags.ip ?? '0.0.0.0'}:${flags.port} (port from ${sources.port})`);
console.log(`work_dir: ${flags.work_dir ?? '(in-memory registry)'}`);
console.log(`allocating every ${formatDuration(flags.allocation_interval)} (${flags.allocation_interval} ms)`);
console.log(`offer timeout: ${flags.offer_timeout === undefined ? 'none' : formatDuration(flags.offer_timeout)}`);
