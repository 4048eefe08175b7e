/**
 * The cgroup v1 `devices` controller: which device nodes the processes of a cgroup may open (r, w) or create (m).
 * Its state is a list of entries (`devices.list`), changed by writing one entry at a time to `devices.allow` or
 * `devices.deny`. An entry is `<type> <major>:<minor> <access>`: type `a` (all), `c` (char) or `b` (block), `*` as
 * a wildcard number, access a subset of `rwm` (devices-cgroup(7), Documentation/admin-guide/cgroup-v1/devices.rst).
 *
 * A new cgroup inherits its parent's list, usually `a *:* rwm` (everything). Denying one device while that entry is
 * listed blocks it but does not show in `devices.list`, so callers that want a list they can read back deny `a`
 * first and then allow entries one by one (what Mesos's devices subsystem does).
 *
 * cgroup v2 has no such files: device access there is an eBPF program attached to the cgroup, which this package
 * does not load; {@link DEVICES_V2_UNSUPPORTED} is the message callers refuse with.
 */
import { join } from 'node:path';
import { readControl, writeControl } from './files';

/** Why device control is refused on a cgroup v2 host. */
export const DEVICES_V2_UNSUPPORTED =
  "the 'devices' cgroup controller is cgroup v1 only here: on cgroup v2, device access is controlled by an eBPF " +
  'program (BPF_CGROUP_DEVICE), which mesos-ts does not support';

/** One device entry of the devices controller. */
export interface DeviceEntry {
  /** `a` all devices, `c` character, `b` block. */
  readonly type: 'a' | 'c' | 'b';
  /** The major number, or `*` for any. */
  readonly major: number | '*';
  /** The minor number, or `*` for any. */
  readonly minor: number | '*';
  /** Read, write, mknod. */
  readonly access: { readonly read: boolean; readonly write: boolean; readonly mknod: boolean };
}

/** Read, write and mknod: what Mesos grants for each allowed device. */
export const RWM = { read: true, write: true, mknod: true } as const;

const MAX_DEVICE_NUMBER = 0xfffff; // minors have 20 bits; majors 12, so this bounds both

function parseNumber(text: string, what: string, entry: string): { value: number | '*' } | { problem: string } {
  if (text === '*') return { value: '*' };
  if (!/^\d+$/.test(text)) return { problem: `${what} '${text}' of device entry '${entry}' is not a number or '*'` };
  const value = Number(text);
  if (value > MAX_DEVICE_NUMBER) return { problem: `${what} ${value} of device entry '${entry}' is out of range` };
  return { value };
}

/** Parses one entry, `c 195:0 rwm` style (`a` only as `a *:* <access>`). Returns it or a message naming what is wrong. */
export function parseDeviceEntry(text: string): DeviceEntry | string {
  const entry = text.trim();
  const match = /^([acb]) ([^:\s]+):([^:\s]+) ([rwm]{1,3})$/.exec(entry);
  if (!match) return `device entry '${entry}' is not of the form '<a|c|b> <major>:<minor> <rwm>'`;
  const [, type, majorText, minorText, accessText] = match as unknown as [string, 'a' | 'c' | 'b', string, string, string];
  const major = parseNumber(majorText, 'major', entry);
  if ('problem' in major) return major.problem;
  const minor = parseNumber(minorText, 'minor', entry);
  if ('problem' in minor) return minor.problem;
  if (type === 'a' && (major.value !== '*' || minor.value !== '*')) return `device entry '${entry}' of type 'a' must be 'a *:* <access>'`;
  if (new Set(accessText).size !== accessText.length) return `device entry '${entry}' repeats an access letter`;
  return {
    type,
    major: major.value,
    minor: minor.value,
    access: { read: accessText.includes('r'), write: accessText.includes('w'), mknod: accessText.includes('m') },
  };
}

/** Formats an entry as the kernel reads and prints it, e.g. `c 195:0 rwm`. Throws on an entry without access. */
export function formatDeviceEntry(entry: DeviceEntry): string {
  const access = `${entry.access.read ? 'r' : ''}${entry.access.write ? 'w' : ''}${entry.access.mknod ? 'm' : ''}`;
  if (access === '') throw new Error(`device entry for ${entry.type} ${entry.major}:${entry.minor} grants no access`);
  return `${entry.type} ${entry.major}:${entry.minor} ${access}`;
}

/** Parses the text of `devices.list`; a line the parser does not know is an error naming it. */
export function parseDevicesList(text: string): DeviceEntry[] {
  const entries: DeviceEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const entry = parseDeviceEntry(line);
    if (typeof entry === 'string') throw new Error(`Unexpected line in devices.list: ${entry}`);
    entries.push(entry);
  }
  return entries;
}

/** Every device (`a *:* rwm`). */
export const ALL_DEVICES: DeviceEntry = { type: 'a', major: '*', minor: '*', access: RWM };

/** Reads a cgroup's `devices.list`. */
export async function listDevices(cgroup: string): Promise<DeviceEntry[]> {
  return parseDevicesList(await readControl(join(cgroup, 'devices.list')));
}

/** Allows `entry` in the cgroup (writes `devices.allow`). */
export async function allowDevice(cgroup: string, entry: DeviceEntry): Promise<void> {
  await writeControl(join(cgroup, 'devices.allow'), formatDeviceEntry(entry));
}

/** Denies `entry` in the cgroup (writes `devices.deny`). */
export async function denyDevice(cgroup: string, entry: DeviceEntry): Promise<void> {
  await writeControl(join(cgroup, 'devices.deny'), formatDeviceEntry(entry));
}

/** Whether `list` grants `access` to char/block device `major:minor` by some entry (wildcards included). */
export function devicesAllow(list: readonly DeviceEntry[], type: 'c' | 'b', major: number, minor: number, access: 'r' | 'w' | 'm'): boolean {
  const wanted = access === 'r' ? 'read' : access === 'w' ? 'write' : 'mknod';
  return list.some(
    (e) =>
      (e.type === 'a' || e.type === type) &&
      (e.major === '*' || e.major === major) &&
      (e.minor === '*' || e.minor === minor) &&
      e.access[wanted],
  );
}
