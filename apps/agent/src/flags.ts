import { isIPv4 } from 'node:net';
import { defineFlags, type FlagValues } from '@mesos-ts/flags';
import { validateRole } from '@mesos-ts/resources';

/** Containerizers Mesos 1.11 knows (`--containerizers`); which ones run is decided when containers land. */
export const KNOWN_CONTAINERIZERS = ['mesos', 'docker'] as const;

/** The containerizers this agent can run today. */
export const SUPPORTED_CONTAINERIZERS = ['mesos'] as const;

/**
 * The flags of `mesos-agent` implemented so far, with Mesos 1.11's names and defaults
 * (`src/slave/flags.cpp`). Durations are milliseconds. `--work_dir` is required, as in Mesos
 * (a plain `std::string` flag without a default); `--master` is checked by {@link validateAgentFlags}
 * because Mesos requires it only when `--master_detector` is absent.
 */
export const agentFlags = defineFlags({
  master: {
    type: 'string',
    help:
      'The master to register with, one of:\n' +
      '  `host:port`\n' +
      '  `zk://host1:port1,host2:port2,.../path` (not supported yet)\n' +
      '  `file:///path/to/file` (the file holds one of the above)\n' +
      'Required.',
  },
  ip: {
    type: 'string',
    help: 'IPv4 address to listen on; the default is all interfaces (0.0.0.0).',
    validate: (ip) => (isIPv4(ip) ? undefined : `Expected --ip to be an IPv4 address, got '${ip}'`),
  },
  port: { type: 'integer', help: 'Port to listen on.', default: 5051, min: 0, max: 65535 },
  hostname: {
    type: 'string',
    help: 'The hostname the agent reports; the default is the machine\'s hostname.',
    validate: (name) => (name.trim() === '' ? 'Expected --hostname to be non-empty' : undefined),
  },
  work_dir: {
    type: 'string',
    required: true,
    help:
      'Directory for executor sandboxes and the agent\'s checkpointed state\n' +
      '(e.g. `/var/lib/mesos/agent`). Auto-detected disk is the size of\n' +
      'the filesystem holding it. Avoid directories cleaned automatically (`/tmp`).',
    validate: (dir) => (dir.trim() === '' ? 'Expected --work_dir to be non-empty' : undefined),
  },
  resources: {
    type: 'string',
    help:
      'Total consumable resources of this agent, as `name(role):value;...`\n' +
      '(e.g. `cpus:4;mem:8192;disk:100000;ports:[31000-32000];gpus:1`) or as a JSON\n' +
      'array of Resource objects; `file:///path` reads either from a file.\n' +
      'Names given here replace the detected ones: cpus (the number of CPUs),\n' +
      'mem (total memory less 1GB, or half of it below 2GB), disk (work_dir\'s\n' +
      'filesystem less 5GB, or half of it below 10GB) and ports ([31000-32000]).',
  },
  attributes: {
    type: 'string',
    help: 'Attributes of this agent machine, as `name:value;...` (e.g. `rack:r1;zone:west;level:2`).\nValues are text, scalars (`2.5`) or ranges (`[1-10]`).',
  },
  containerizers: {
    type: 'string',
    default: 'mesos',
    help: 'Comma-separated containerizers to compose, tried in order. Only `mesos` (processes\nin their own process group, see @mesos-ts/containerizer) is supported yet.',
    validate: (list) => {
      for (const name of list.split(',')) {
        if (!(KNOWN_CONTAINERIZERS as readonly string[]).includes(name)) {
          return `Unknown or unsupported containerizer '${name}' in --containerizers='${list}'; expected a comma-separated list of ${KNOWN_CONTAINERIZERS.map((c) => `'${c}'`).join(', ')}`;
        }
        if (!(SUPPORTED_CONTAINERIZERS as readonly string[]).includes(name)) {
          return `Containerizer '${name}' in --containerizers='${list}' is not supported yet; use --containerizers=mesos`;
        }
      }
      return undefined;
    },
  },
  isolation: {
    type: 'string',
    default: 'posix/cpu,posix/mem',
    help: 'Comma-separated isolation mechanisms of the mesos containerizer (e.g. `posix/cpu,posix/mem`,\n`cgroups/cpu,cgroups/mem`, `gpu/nvidia`).',
    validate: (list) => (list.split(',').some((i) => i.trim() === '') ? `Expected --isolation to be a comma-separated list without empty entries, got '${list}'` : undefined),
  },
  executor_registration_timeout: {
    type: 'duration',
    default: 60_000,
    help: 'How long an executor may take to register with the agent before it is\nconsidered hung and shut down (e.g. 60secs, 3mins).',
    validate: (ms) => (ms <= 0 ? 'Expected --executor_registration_timeout to be positive' : undefined),
  },
  executor_shutdown_grace_period: {
    type: 'duration',
    default: 5_000,
    help: 'Default time an executor is given to shut down (e.g. 60secs, 3mins);\n`ExecutorInfo.shutdown_grace_period` overrides it.',
    validate: (ms) => (ms < 0 ? 'Expected --executor_shutdown_grace_period to be non-negative' : undefined),
  },
  default_role: {
    type: 'string',
    default: '*',
    help: '(Deprecated in Mesos.) Role given to resources in --resources that name none and to\nauto-detected resources; a role other than `*` reserves them statically.',
    validate: (role) => {
      const valid = validateRole(role);
      return valid.ok ? undefined : `Invalid --default_role '${role}': ${valid.error.message}`;
    },
  },
  switch_user: {
    type: 'boolean',
    default: true,
    help:
      'Run tasks as the user who submitted them (`CommandInfo.user`, else `FrameworkInfo.user`).\n' +
      'This needs the agent to run as root; an agent that is not root runs tasks as its own user.\n' +
      'If false, tasks always run as the agent\'s user.',
  },
  launcher_dir: {
    type: 'string',
    help:
      'Directory holding the executors (`mesos-executor.js`, `mesos-default-executor.js`).\n' +
      'Default: the `dist` directory of @mesos-ts/executor.',
    validate: (dir) => (dir.trim() === '' ? 'Expected --launcher_dir to be non-empty' : undefined),
  },
  registration_backoff_factor: {
    type: 'duration',
    default: 1_000,
    help:
      'The agent waits a random time in `[0, b]`, `b = registration_backoff_factor`, before it\n' +
      're-registers after losing the master; each further failure doubles `b`, up to 1mins.',
    validate: (ms) => (ms < 0 ? 'Expected --registration_backoff_factor to be non-negative' : undefined),
  },
  recovery_timeout: {
    type: 'duration',
    default: 900_000,
    help:
      'Time allotted for the agent to recover; executors of checkpointing frameworks\n' +
      'that wait longer to reconnect terminate themselves (`MESOS_RECOVERY_TIMEOUT`).',
    validate: (ms) => (ms <= 0 ? 'Expected --recovery_timeout to be positive' : undefined),
  },
});

export type AgentFlagSpec = typeof agentFlags;
export type AgentFlags = FlagValues<AgentFlagSpec>;

/**
 * Checks across flags that the flag declarations cannot express, with Mesos's messages where Mesos has one
 * (`src/slave/main.cpp`). Returns the first problem, or undefined.
 */
export function validateAgentFlags(flags: AgentFlags): string | undefined {
  if (flags.master === undefined || flags.master.trim() === '') {
    return 'Missing required option `--master`';
  }
  const master = flags.master.trim();
  if (master.startsWith('zk://')) {
    return `Unsupported --master '${master}': ZooKeeper master detection is not implemented yet; give the master as host:port`;
  }
  const m = /^(?:https?:\/\/)?([^:/\s]+|\[[0-9a-fA-F:.]+\]):(\d+)$/.exec(master);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || !(port > 0 && port <= 65535)) {
    return `Invalid --master '${master}': expected host:port (e.g. 10.0.0.1:5050)`;
  }
  return undefined;
}
