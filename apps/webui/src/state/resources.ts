/** Scalar resource arithmetic for display: the four kinds Mesos's UI shows, summed over `Resource` lists. */
import type { Resource } from './types';

/** The resource kinds the overview shows, in order. */
export const KINDS = ['cpus', 'mem', 'disk', 'gpus'] as const;
export type Kind = (typeof KINDS)[number];

/** Quantities of the shown kinds; mem and disk in MB, as Mesos counts them. */
export type Quantities = Record<Kind, number>;

export function zero(): Quantities {
  return { cpus: 0, mem: 0, disk: 0, gpus: 0 };
}

/** Mesos rounds scalars to three decimals; summing floats would show 0.30000000000000004. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Adds the scalar resources of `resources` (any role, reserved or not) into `into`; revocable ones are left out. */
export function addResources(into: Quantities, resources: readonly Resource[] | undefined): Quantities {
  for (const r of resources ?? []) {
    const name = r.name as Kind;
    if (!KINDS.includes(name) || r.revocable !== undefined) continue;
    const value = r.scalar?.value;
    if (typeof value === 'number' && Number.isFinite(value)) into[name] = round(into[name] + value);
  }
  return into;
}

export function sumResources(resources: readonly Resource[] | undefined): Quantities {
  return addResources(zero(), resources);
}

export function plus(a: Quantities, b: Quantities): Quantities {
  return { cpus: round(a.cpus + b.cpus), mem: round(a.mem + b.mem), disk: round(a.disk + b.disk), gpus: round(a.gpus + b.gpus) };
}

/** A Mesos-style `{cpus: 1, mem: 128, ...}` object (as /master/roles writes) read into quantities. */
export function fromObject(value: unknown): Quantities {
  const out = zero();
  if (value === null || typeof value !== 'object') return out;
  for (const kind of KINDS) {
    const v = (value as Record<string, unknown>)[kind];
    if (typeof v === 'number' && Number.isFinite(v)) out[kind] = v;
  }
  return out;
}

/** Port ranges and other non-scalar resources as text, e.g. `ports: [31000-32000]`. */
export function otherResources(resources: readonly Resource[] | undefined): string[] {
  const out: string[] = [];
  for (const r of resources ?? []) {
    if (r.type === 'RANGES') out.push(`${r.name ?? '?'}: [${(r.ranges?.range ?? []).map((x) => `${x.begin ?? '?'}-${x.end ?? '?'}`).join(', ')}]`);
    else if (r.type === 'SET') out.push(`${r.name ?? '?'}: {${(r.set?.item ?? []).join(', ')}}`);
  }
  return out;
}
