import { statfsSync } from 'node:fs';
import * as os from 'node:os';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { Resources } from '@mesos-ts/resources';

const MB = 1024 * 1024;
const GB = 1024 * MB;

/** Mesos's fallbacks when a fact cannot be read (`src/slave/constants.hpp`). */
export const DEFAULT_CPUS = 1;
export const DEFAULT_MEM_BYTES = 1 * GB;
export const DEFAULT_DISK_BYTES = 10 * GB;
export const DEFAULT_PORTS = '[31000-32000]';

/**
 * The machine facts resource detection reads. Each may throw (or, for cpus, return a non-positive count) when
 * the fact is unavailable; detection then falls back to Mesos's default and warns, as Mesos does.
 */
export interface OsFacts {
  /** Number of online CPUs (Mesos: `os::cpus()`, `sysconf(_SC_NPROCESSORS_ONLN)`). */
  cpus(): number;
  /** Total main memory in bytes (Mesos: `os::memory().total`). */
  totalMemoryBytes(): number;
  /** Capacity in bytes of the filesystem holding `path` (Mesos: `fs::size`, `f_blocks * f_frsize`). */
  filesystemSizeBytes(path: string): number;
}

/** The real machine: `os.cpus()`, `os.totalmem()`, `fs.statfsSync` (Node >= 18.15). */
export const nodeOsFacts: OsFacts = {
  cpus: () => os.cpus().length,
  totalMemoryBytes: () => os.totalmem(),
  // libuv's statfs reports f_bsize as `bsize`; on Linux filesystems it equals f_frsize.
  filesystemSizeBytes: (path) => {
    const s = statfsSync(path);
    return Number(s.blocks) * Number(s.bsize);
  },
};

export interface DetectResourcesOptions {
  /** The `--resources` flag's text (`name(role):value;...` or a JSON array), if given. */
  readonly flagsResources?: string | undefined;
  /** `--default_role`: the role of resources that name none, detected ones included. */
  readonly defaultRole: string;
  /** `--work_dir`: disk is detected on the filesystem holding it. */
  readonly workDir: string;
  /** Defaults to {@link nodeOsFacts}; tests inject their own. */
  readonly os?: OsFacts;
  /** Told when a fact cannot be read and a default is used instead. */
  readonly onWarning?: (message: string) => void;
}

/**
 * The agent's total resources, as Mesos 1.11's `Containerizer::resources` computes them: the `--resources` flag,
 * plus, for each of cpus, mem, disk and ports that the flag does not name (`cpus:0` counts as named),
 * - cpus: the number of CPUs (1 if unknown);
 * - mem: total memory less 1GB when there are at least 2GB, else half of it, in whole MB (1GB if unknown);
 * - disk: the work_dir filesystem's size less 5GB when it is at least 10GB, else half of it, in whole MB
 *   (10GB if unknown);
 * - ports: `[31000-32000]`.
 * Detected resources get `defaultRole`. `gpus` pass through from the flag as given (Mesos checks them against
 * NVML only with `gpu/nvidia` isolation, which the caller refuses for now); nothing is auto-detected for them.
 *
 * @returns an INVALID_ARGUMENT error for a bad `--resources`, quoting the offending token.
 */
export function detectResources(options: DetectResourcesOptions): Result<Resources> {
  const facts = options.os ?? nodeOsFacts;
  const warn = options.onWarning ?? (() => undefined);
  const role = options.defaultRole;
  const text = options.flagsResources ?? '';

  const parsed = Resources.parse(text, role);
  if (!parsed.ok) {
    return err(new MesosTsError('INVALID_ARGUMENT', `Invalid --resources '${text}': ${parsed.error.message}`, { cause: parsed.error }));
  }
  const named = namesIn(text);
  let resources = parsed.value;

  const add = (name: string, value: string): Result<void> => {
    const r = Resources.parse(`${name}:${value}`, role);
    if (!r.ok) return err(new MesosTsError('INTERNAL', `Failed to add detected '${name}:${value}': ${r.error.message}`, { cause: r.error }));
    resources = resources.plus(r.value);
    return ok(undefined);
  };

  if (!named.has('cpus')) {
    let cpus = DEFAULT_CPUS;
    const detected = attempt(() => facts.cpus());
    if (typeof detected === 'number' && Number.isInteger(detected) && detected > 0) cpus = detected;
    else warn(`Failed to auto-detect the number of cpus to use: '${describe(detected)}'; defaulting to ${DEFAULT_CPUS}`);
    const r = add('cpus', String(cpus));
    if (!r.ok) return r;
  }

  if (!named.has('mem')) {
    let mem = DEFAULT_MEM_BYTES;
    const total = attempt(() => facts.totalMemoryBytes());
    if (isByteCount(total)) mem = total >= 2 * GB ? total - 1 * GB : Math.floor(total / 2);
    else warn(`Failed to auto-detect the size of main memory: '${describe(total)}'; defaulting to ${DEFAULT_MEM_BYTES / MB}MB`);
    const r = add('mem', String(Math.floor(mem / MB)));
    if (!r.ok) return r;
  }

  if (!named.has('disk')) {
    let disk = DEFAULT_DISK_BYTES;
    const total = attempt(() => facts.filesystemSizeBytes(options.workDir));
    if (isByteCount(total)) disk = total >= 10 * GB ? total - 5 * GB : Math.floor(total / 2);
    else warn(`Failed to auto-detect the disk space of '${options.workDir}': '${describe(total)}'; defaulting to ${DEFAULT_DISK_BYTES / MB}MB`);
    const r = add('disk', String(Math.floor(disk / MB)));
    if (!r.ok) return r;
  }

  if (!named.has('ports')) {
    const r = add('ports', DEFAULT_PORTS);
    if (!r.ok) return r;
  }

  return ok(resources);
}

/**
 * The resource names a valid `--resources` text mentions, zero amounts included (Mesos reads them from
 * `Resources::fromString`, which keeps `cpus:0`, because `Resources` itself drops empty entries).
 * Precondition: `Resources.parse(text)` succeeded.
 */
function namesIn(text: string): Set<string> {
  const names = new Set<string>();
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const json: unknown = JSON.parse(trimmed);
      if (Array.isArray(json)) {
        for (const item of json) {
          if (typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string') {
            names.add((item as { name: string }).name);
          }
        }
        return names;
      }
    } catch {
      // Not JSON: the text form, read below.
    }
  }
  for (const token of text.split(/[;\n]/)) {
    const name = token.split(/[(:]/, 1)[0]!.trim();
    if (name !== '') names.add(name);
  }
  return names;
}

function attempt(read: () => number): number | Error {
  try {
    return read();
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function isByteCount(v: number | Error): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function describe(v: number | Error): string {
  return v instanceof Error ? v.message : `unexpected value ${v}`;
}
