import type { Resource } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { formatNumber } from './table';

/**
 * The scalar amount of `name` in a list of Resource protos (all roles and reservations together), summed
 * straight from the protos so that a resource our algebra would refuse still shows; `undefined` when absent.
 */
export function scalarOf(resources: readonly Resource[] | undefined, name: string): number | undefined {
  let total: number | undefined;
  for (const r of resources ?? []) {
    if (r.name !== name || r.scalar?.value === undefined) continue;
    total = (total ?? 0) + r.scalar.value;
  }
  // Sums of decimals drift (0.1 + 0.2); Mesos scalars have 3 decimals.
  return total === undefined ? undefined : Math.round(total * 1000) / 1000;
}

/** Mesos's text form of resources (`cpus:1; mem:128`), or `-` when there are none. */
export function resourcesText(resources: readonly Resource[] | undefined): string {
  if (resources === undefined || resources.length === 0) return '-';
  const parsed = Resources.fromProto(resources);
  if (parsed.ok) return parsed.value.isEmpty() ? '-' : parsed.value.toString();
  // Not valid by our rules: still show what it is.
  return resources.map((r) => `${r.name ?? '?'}:${r.scalar?.value !== undefined ? formatNumber(r.scalar.value) : '?'}`).join('; ');
}

/** `cpus:1; mem:128`, the scalar resources of a task or an agent in short, for a table cell. */
export function shortResources(resources: readonly Resource[] | undefined, names: readonly string[] = ['cpus', 'mem', 'disk', 'gpus']): string {
  const parts: string[] = [];
  for (const name of names) {
    const value = scalarOf(resources, name);
    if (value !== undefined && value !== 0) parts.push(`${name}:${formatNumber(value)}`);
  }
  return parts.length === 0 ? '-' : parts.join('; ');
}
