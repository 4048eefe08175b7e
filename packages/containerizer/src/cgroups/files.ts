/**
 * Reading and writing cgroupfs control files, and parsing the kernel's formats (flat `key value` lines, the
 * `max` keyword, pid lists). Parsers are pure; the I/O functions name the file in every error they raise.
 */
import { readFile, writeFile } from 'node:fs/promises';

/** Parses flat keyed files (`cpu.stat`, `memory.stat`, `memory.events`, `memory.oom_control`, `cpuacct.stat`). */
export function parseFlatKeyed(text: string): Map<string, bigint> {
  const values = new Map<string, bigint>();
  for (const line of text.split('\n')) {
    const [key, value, extra] = line.trim().split(/\s+/);
    if (key === undefined || value === undefined || extra !== undefined || !/^-?\d+$/.test(value)) continue;
    values.set(key, BigInt(value));
  }
  return values;
}

/** Parses a single number, or v2's `max` (no limit), as undefined. Throws on anything else. */
export function parseLimit(text: string, file: string): bigint | undefined {
  const value = text.trim();
  if (value === 'max') return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`Unexpected content ${JSON.stringify(value)} in '${file}'`);
  return BigInt(value);
}

/** Parses `cgroup.procs`/`tasks`: one pid per line. */
export function parsePids(text: string): number[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^\d+$/.test(line))
    .map(Number);
}

/** Reads a control file; the error names the file. */
export async function readControl(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`Failed to read '${path}': ${(error as Error).message}`, { cause: error });
  }
}

/** Writes a control file (one write(2), as the kernel wants); the error names the file and the value. */
export async function writeControl(path: string, value: string): Promise<void> {
  try {
    await writeFile(path, value);
  } catch (error) {
    throw new Error(`Failed to write '${value}' to '${path}': ${(error as Error).message}`, { cause: error });
  }
}

/** Reads a flat keyed file. */
export async function readFlatKeyed(path: string): Promise<Map<string, bigint>> {
  return parseFlatKeyed(await readControl(path));
}

/** Reads a file holding one number; undefined for `max`. */
export async function readNumber(path: string): Promise<bigint | undefined> {
  return parseLimit(await readControl(path), path);
}

/**
 * Formats a byte count the way Mesos's `Bytes` prints one: in the largest unit (B, KB, MB, GB, TB) that divides
 * it exactly, e.g. `64MB`, `1536KB`, `100B`.
 */
export function formatBytes(bytes: bigint): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'] as const;
  let value = bytes;
  let unit = 0;
  while (unit < units.length - 1 && value !== 0n && value % 1024n === 0n) {
    value /= 1024n;
    unit += 1;
  }
  return `${value}${units[unit]}`;
}
