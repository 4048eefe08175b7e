/**
 * Builders mirroring the helpers Mesos's resources tests use
 * (createDiskResource, createReservedResource, ...), plus a matcher that
 * compares Resources by value and prints them readably.
 */
import { unwrap } from '@mesos-ts/errors';
import type { Labels, Resource, Resource_DiskInfo_Source, Resource_ReservationInfo } from '@mesos-ts/proto';
import { Resource_DiskInfo_Source_Type, Resource_ReservationInfo_Type, Volume_Mode } from '@mesos-ts/proto';
import { Resources, parseResource } from '../src/index';

/** `Resources::parse(text)` that must succeed. */
export function r(text: string, defaultRole = '*'): Resources {
  return Resources.mustParse(text, defaultRole);
}

/** `Resources::parse(name, value, role)` that must succeed. */
export function parse1(name: string, value: string, role = '*'): Resource {
  return unwrap(parseResource(name, value, role));
}

/** `Resources(resource...)`: validated conversion that must succeed. */
export function res(...resources: Resource[]): Resources {
  return unwrap(Resources.fromProto(resources));
}

export function createStaticReservationInfo(role: string): Resource_ReservationInfo {
  return { type: Resource_ReservationInfo_Type.STATIC, role };
}

export function createDynamicReservationInfo(role: string, principal?: string, labels?: Labels): Resource_ReservationInfo {
  const info: Resource_ReservationInfo = { type: Resource_ReservationInfo_Type.DYNAMIC, role };
  if (principal !== undefined) info.principal = principal;
  if (labels !== undefined) info.labels = labels;
  return info;
}

export function labels(...pairs: [string, string?][]): Labels {
  return { labels: pairs.map(([key, value]) => (value === undefined ? { key } : { key, value })) };
}

export function createReservedResource(name: string, value: string, reservation?: Resource_ReservationInfo): Resource {
  const resource = parse1(name, value);
  if (reservation !== undefined) resource.reservations = [reservation];
  return resource;
}

export function createDiskSourcePath(root?: string): Resource_DiskInfo_Source {
  return root === undefined ? { type: Resource_DiskInfo_Source_Type.PATH } : { type: Resource_DiskInfo_Source_Type.PATH, path: { root } };
}

export function createDiskSourceMount(root?: string): Resource_DiskInfo_Source {
  return root === undefined ? { type: Resource_DiskInfo_Source_Type.MOUNT } : { type: Resource_DiskInfo_Source_Type.MOUNT, mount: { root } };
}

/** Mesos's `createDiskResource(value, role, persistenceId, containerPath, source, shared)`. */
export function createDiskResource(
  value: string,
  role: string,
  persistenceId?: string,
  containerPath?: string,
  source?: Resource_DiskInfo_Source,
  shared = false,
): Resource {
  const resource = parse1('disk', value, role);
  if (persistenceId !== undefined || containerPath !== undefined || source !== undefined) {
    resource.disk = {};
    if (persistenceId !== undefined) resource.disk.persistence = { id: persistenceId };
    if (containerPath !== undefined) resource.disk.volume = { containerPath, mode: Volume_Mode.RW };
    if (source !== undefined) resource.disk.source = source;
  }
  if (shared) resource.shared = {};
  return resource;
}

/** Mesos's `createPersistentVolume(size, role, id, containerPath, ..., principal, shared)`. */
export function createPersistentVolume(megabytes: number, role: string, id: string, containerPath: string, principal?: string, shared = false): Resource {
  const resource = parse1('disk', String(megabytes), role);
  resource.disk = { persistence: principal === undefined ? { id } : { id, principal }, volume: { containerPath, mode: Volume_Mode.RW } };
  if (shared) resource.shared = {};
  return resource;
}

export function createRevocableResource(name: string, value: string, role: string, revocable: boolean): Resource {
  const resource = parse1(name, value, role);
  if (revocable) resource.revocable = {};
  return resource;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R, T = {}> {
      /** Resources equality (Mesos's operator==), printing both sides on failure. */
      toEqualResources(expected: Resources): R;
    }
  }
}

expect.extend({
  toEqualResources(received: Resources, expected: Resources) {
    const pass = received.equals(expected);
    return {
      pass,
      message: () => `expected ${received.toString()} ${pass ? 'not ' : ''}to equal ${expected.toString()}`,
    };
  },
});
