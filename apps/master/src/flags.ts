/**
 * mesos-master's command-line flags: the subset this master implements so far, with Apache Mesos 1.11's names,
 * defaults, deprecated aliases and validation (`src/master/flags.cpp`, `src/logging/flags.cpp`). Help texts are
 * our own. Values come from the command line, then `MESOS_<NAME>` variables, then the defaults.
 */
import { isIP } from 'node:net';
import { err, ok, type Result } from '@mesos-ts/errors';
import { customFlag, defineFlags, formatDuration, type FlagDef, type FlagValues } from '@mesos-ts/flags';
import { ResourceQuantities } from '@mesos-ts/resources';

/** A flag value that remembers the text it was parsed from, so `/flags` can show it as given. */
export interface Parsed<T> {
  readonly text: string;
  readonly value: T;
}

const MINUTE = 60_000;
const SECOND = 1000;

/** `--weights=role=weight,role=weight`: positive finite weights, no role named twice. */
export function parseWeights(text: string): Result<Parsed<ReadonlyMap<string, number>>, string> {
  const weights = new Map<string, number>();
  for (const token of text.split(',')) {
    const pair = token.trim();
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq !== pair.lastIndexOf('=')) return err(`Invalid weight '${pair}': expected 'role=weight'`);
    const role = pair.slice(0, eq).trim();
    const weightText = pair.slice(eq + 1).trim();
    const weight = Number(weightText);
    if (weightText === '' || !Number.isFinite(weight)) return err(`Invalid weight '${weightText}' for role '${role}': not a number`);
    if (weight <= 0) return err(`Invalid weight '${weightText}' for role '${role}': weights must be positive`);
    if (weights.has(role)) return err(`Role '${role}' is given a weight more than once`);
    weights.set(role, weight);
  }
  return ok({ text, value: weights });
}

/** `--min_allocatable_resources=cpus:0.01|mem:32`: `|`-separated sets of `;`-separated scalar quantities. */
export function parseMinAllocatable(text: string): Result<Parsed<readonly ResourceQuantities[]>, string> {
  const sets: ResourceQuantities[] = [];
  for (const token of text.split('|')) {
    const parsed = ResourceQuantities.fromString(token.trim());
    if (!parsed.ok) return err(`Invalid resource quantities '${token}': ${parsed.error.message}`);
    if (parsed.value.isEmpty()) return err(`Invalid resource quantities '${token}': a set must name at least one resource`);
    sets.push(parsed.value);
  }
  return ok({ text, value: sets });
}

/** `--roles=a,b`: the whitelist of roles (deprecated in Mesos, still accepted). */
export function parseRoles(text: string): Result<Parsed<readonly string[]>, string> {
  const roles = text.split(',').map((r) => r.trim()).filter((r) => r !== '');
  for (const role of roles) {
    if (role === '.' || role === '..' || role.startsWith('-') || /[\s/\\]/.test(role)) {
      return err(`Invalid role name '${role}'`);
    }
  }
  return ok({ text, value: roles });
}

function unwrapDefault<T>(parsed: Result<Parsed<T>, string>): Parsed<T> {
  if (!parsed.ok) throw new Error(`bad built-in default: ${parsed.error}`);
  return parsed.value;
}

const oneOf = (flag: string, allowed: readonly string[]) => (value: string) =>
  allowed.includes(value) ? undefined : `Expected \`--${flag}\` to be one of: ${allowed.join(', ')}; got '${value}'`;

/** The master's flag spec. */
export const masterFlagSpec = defineFlags({
  ip: {
    type: 'string',
    help: 'IP address to listen on (default: all interfaces, 0.0.0.0).',
    validate: (value) => (isIP(value) === 0 ? `Expected \`--ip\` to be an IP address; got '${value}'` : undefined),
  },
  port: { type: 'integer', help: 'Port to listen on.', default: 5050, min: 0, max: 65535 },
  hostname: { type: 'string', help: 'The hostname this master advertises (default: the hostname of --ip).' },
  work_dir: {
    type: 'string',
    fetch: false,
    help: 'Directory for the master\'s persistent state (the registry, when there is one).\nCreated if missing. Avoid directories cleaned automatically, such as /tmp.',
  },
  allocation_interval: {
    type: 'duration',
    help: 'Time between batch allocation cycles (e.g. 500ms, 1secs).',
    default: SECOND,
    validate: (ms) => (ms <= 0 ? 'Expected `--allocation_interval` to be positive' : undefined),
  },
  offer_timeout: {
    type: 'duration',
    help: 'How long an offer may stay outstanding before it is rescinded.\nIf unset, offers never time out.',
    validate: (ms) => (ms <= 0 ? 'Expected `--offer_timeout` to be positive' : undefined),
  },
  roles: customFlag({
    parse: parseRoles,
    format: (v: Parsed<readonly string[]>) => v.text,
    help: 'Comma-separated list of the roles frameworks may use (deprecated in Mesos;\nwithout it any role is allowed).',
  }),
  weights: customFlag({
    parse: parseWeights,
    format: (v: Parsed<ReadonlyMap<string, number>>) => v.text,
    help: 'Comma-separated role weights, `role=weight,role=weight` (deprecated in Mesos,\nwhere the /weights endpoint replaces it).',
  }),
  min_allocatable_resources: customFlag({
    parse: parseMinAllocatable,
    format: (v: Parsed<readonly ResourceQuantities[]>) => v.text,
    default: unwrapDefault(parseMinAllocatable('cpus:0.01|mem:32')),
    help: 'Sets of resource quantities an offer must cover at least one of: `;` joins\nquantities within a set, `|` separates sets (e.g. `disk:1|cpus:1;mem:32`).',
  }),
  framework_sorter: {
    type: 'string',
    help: 'How a role\'s frameworks are ordered for offers: drf or random.',
    default: 'drf',
    validate: oneOf('framework_sorter', ['drf', 'random']),
  },
  role_sorter: {
    type: 'string',
    alias: { name: 'user_sorter', deprecated: true },
    help: 'How roles are ordered for offers: drf or random.',
    default: 'drf',
    validate: oneOf('role_sorter', ['drf', 'random']),
  },
  agent_ping_timeout: {
    type: 'duration',
    alias: { name: 'slave_ping_timeout', deprecated: true },
    help: 'How long an agent has to answer a ping from the master.',
    default: 15 * SECOND,
    validate: (ms) =>
      ms < SECOND || ms > 15 * MINUTE ? 'Expected `--agent_ping_timeout` to be between 1secs and 15mins' : undefined,
  },
  max_agent_ping_timeouts: {
    type: 'integer',
    alias: { name: 'max_slave_ping_timeouts', deprecated: true },
    help: 'How many pings in a row an agent may miss before it is marked unreachable.',
    default: 5,
    min: 0,
    validate: (n) => (n < 1 ? 'Expected `--max_agent_ping_timeouts` to be at least 1' : undefined),
  },
  agent_reregister_timeout: {
    type: 'duration',
    alias: { name: 'slave_reregister_timeout', deprecated: true },
    help: 'How long agents have to reregister after a master failover before they are\nmarked unreachable. At least 10mins.',
    default: 10 * MINUTE,
    validate: (ms) =>
      ms < 10 * MINUTE ? `Invalid value '${formatDuration(ms)}' for --agent_reregister_timeout: Must be at least 10mins` : undefined,
  },
  max_completed_frameworks: {
    type: 'integer',
    help: 'How many completed frameworks to keep in memory.',
    default: 50,
    min: 0,
  },
  max_completed_tasks_per_framework: {
    type: 'integer',
    help: 'How many completed tasks of each framework to keep in memory.',
    default: 1000,
    min: 0,
  },
  logging_level: {
    type: 'string',
    help: 'Log messages at or above this level: INFO, WARNING or ERROR.',
    default: 'INFO',
    validate: oneOf('logging_level', ['INFO', 'WARNING', 'ERROR']),
  },
  log_dir: {
    type: 'string',
    fetch: false,
    help: 'Directory to write a log file (mesos-master.log) to, besides stderr.\nBy default nothing is written to disk.',
  },
});

export type MasterFlagSpec = typeof masterFlagSpec;
export type MasterFlags = FlagValues<MasterFlagSpec>;

/** A flag's value as text, as Mesos's `/flags` shows it (stout's `stringify`); undefined when the flag is unset. */
export function flagText(def: FlagDef, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  switch (def.type) {
    case 'duration':
      return formatDuration(value as number);
    case 'custom':
      return def.format ? def.format(value) : String(value);
    case 'json':
      return JSON.stringify(value);
    default:
      return String(value);
  }
}

/** Every set flag (`help` included, as Mesos lists it) by name, as text: the body of `/flags`. */
export function flagsModel(flags: MasterFlags): Record<string, string> {
  const out: Record<string, string> = {};
  const values = flags as unknown as Record<string, unknown>;
  for (const name of [...Object.keys(masterFlagSpec), 'help'].sort()) {
    const def: FlagDef = name === 'help' ? { type: 'boolean', help: '' } : (masterFlagSpec as Record<string, FlagDef>)[name]!;
    const text = flagText(def, values[name]);
    if (text !== undefined) out[name] = text;
  }
  return out;
}
