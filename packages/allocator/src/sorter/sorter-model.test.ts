/**
 * Model-based test of the sorters' incremental maintenance. Random sequences
 * of operations run against DRFSorter and RandomSorter and against a naive
 * reference that keeps only the clients' holdings and recomputes everything
 * from scratch: the tree from the client paths, every node's allocation (a
 * shared resource once per node and agent), every share, and a full sort of
 * every level. After each step that reads, they must agree on sort() (exactly,
 * for DRF; as a set, for the random sorter), share(), allocationCount() and
 * the allocation queries.
 */
import fc from 'fast-check';
import { ResourceQuantities, Resources } from '@mesos-ts/resources';
import { DRFSorter } from './drf-sorter';
import { q, r, revocableCpus, sharedVolume } from './internal/test-fixtures';
import { RandomSorter } from './random-sorter';

const CLIENTS = ['a', 'b', 'c', 'a/b', 'a/c', 'a/b/d', 'b/x', 'b/y', 'c/y/z', 'd/e', 'd'];
const WEIGHT_PATHS = ['a', 'b', 'c', 'd', 'a/b', 'a/c', 'b/x', 'c/y', 'a/.', 'a/b/d'];
const WEIGHTS = [0.5, 1, 2, 3];
const AGENTS = ['s1', 's2', 's3'];
const TOTALS: Record<string, ResourceQuantities> = {
  s1: q('cpus:10;mem:10;disk:20'),
  s2: q('cpus:4;mem:16;gpus:2'),
  s3: q('cpus:6;mem:6;disk:20'),
};
const volume1 = sharedVolume(10, 'role1', 'v1', 'p1');
const volume2 = sharedVolume(5, 'role1', 'v2', 'p2');
// Small, often equal amounts, so ties (count, then path) are common.
const RESOURCES = [
  r('cpus:1;mem:1'),
  r('cpus:1;mem:1'),
  r('cpus:2;mem:1'),
  r('cpus:1;mem:2'),
  r('cpus:1'),
  r('mem:3'),
  r('cpus:0.5;mem:0.5;disk:1'),
  r('cpus:1;mem:1;ports:[31000-31001]'),
  r('gpus:1;cpus:0.1'),
  revocableCpus(1),
  volume1,
  volume2.plus(r('cpus:1')),
  volume1.plus(volume1),
];

// ---------------------------------------------------------------- the model

interface ModelClient {
  active: boolean;
  /** What the client holds per agent, kept with the same algebra as Mesos (`+=`, `-=`). */
  held: Map<string, Resources>;
  /** Chunks allocated (candidates for unallocate and update). */
  chunks: { agent: string; resources: Resources }[];
}

function toDouble(fixed: number): number {
  const whole = Math.trunc(fixed / 1000);
  return whole + (fixed - whole * 1000) / 1000;
}

function isUnder(client: string, path: string): boolean {
  return client === path || client.startsWith(`${path}/`);
}

function prefixes(client: string): string[] {
  const parts = client.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

class Model {
  readonly clients = new Map<string, ModelClient>();
  readonly weights = new Map<string, number>();
  readonly agents = new Map<string, ResourceQuantities>();
  /** Allocation counts of the path nodes, and of the virtual leaves (by client). */
  readonly nodeCount = new Map<string, number>();
  readonly virtualCount = new Map<string, number>();
  excluded = new Set<string>();

  private hasDescendant(path: string): boolean {
    for (const c of this.clients.keys()) if (c.startsWith(`${path}/`)) return true;
    return false;
  }

  private nodeExists(path: string): boolean {
    for (const c of this.clients.keys()) if (isUnder(c, path)) return true;
    return false;
  }

  add(client: string): void {
    // A leaf on the way down becomes internal; its new virtual leaf inherits its count.
    for (const p of prefixes(client).slice(0, -1)) {
      if (this.clients.has(p) && !this.hasDescendant(p)) this.virtualCount.set(p, this.nodeCount.get(p)!);
    }
    // A client at an existing internal node gets a fresh virtual leaf.
    if (this.hasDescendant(client)) this.virtualCount.set(client, 0);
    for (const p of prefixes(client)) if (!this.nodeExists(p)) this.nodeCount.set(p, 0);
    this.clients.set(client, { active: false, held: new Map(), chunks: [] });
  }

  remove(client: string): void {
    this.clients.delete(client);
    this.virtualCount.delete(client);
    for (const p of [...this.nodeCount.keys()]) if (!this.nodeExists(p)) this.nodeCount.delete(p);
    for (const c of [...this.virtualCount.keys()]) if (!this.hasDescendant(c)) this.virtualCount.delete(c);
  }

  allocated(client: string, agent: string, resources: Resources): void {
    const c = this.clients.get(client)!;
    c.chunks.push({ agent, resources });
    c.held.set(agent, this.held(client, agent).plus(resources));
    for (const p of prefixes(client)) this.nodeCount.set(p, this.nodeCount.get(p)! + 1);
    if (this.virtualCount.has(client)) this.virtualCount.set(client, this.virtualCount.get(client)! + 1);
  }

  held(client: string, agent: string): Resources {
    return this.clients.get(client)!.held.get(agent) ?? Resources.EMPTY;
  }

  /** Replaces `remove` by `add` in what the client holds on the agent (false, and no change, when it does not hold `remove`). */
  change(client: string, agent: string, remove: Resources, add: Resources): boolean {
    const held = this.held(client, agent);
    if (!held.contains(remove)) return false;
    const next = held.minus(remove).plus(add);
    if (next.isEmpty()) this.clients.get(client)!.held.delete(agent);
    else this.clients.get(client)!.held.set(agent, next);
    return true;
  }

  /** Scalar quantities held by the given clients together: per agent, each distinct shared resource once. */
  quantities(clients: readonly string[]): ResourceQuantities {
    let total = ResourceQuantities.EMPTY;
    for (const agent of AGENTS) {
      let sum = Resources.EMPTY;
      for (const c of clients) sum = sum.plus(this.held(c, agent));
      total = total.plus(sum.scalarQuantities());
    }
    return total;
  }

  private share(clients: readonly string[], weightPath: string): number {
    const held = this.quantities(clients);
    const totals = new Map<string, number>();
    for (const quantities of this.agents.values()) {
      for (const [name, value] of quantities) totals.set(name, (totals.get(name) ?? 0) + Math.round(value * 1000));
    }
    let share = 0;
    for (const [name, total] of totals) {
      if (this.excluded.has(name) || total <= 0) continue;
      const fixed = Math.round(held.get(name) * 1000);
      if (fixed > 0) share = Math.max(share, toDouble(fixed) / toDouble(total));
    }
    return share / (this.weights.get(weightPath) ?? 1);
  }

  /** The share a client's own leaf has (what DRFSorter.share reports). */
  clientShare(client: string): number {
    const virtual = this.hasDescendant(client);
    return this.share([client], virtual ? `${client}/.` : client);
  }

  clientCount(client: string): number {
    return this.virtualCount.get(client) ?? this.nodeCount.get(client)!;
  }

  /** Active clients in DRF order, computed from scratch. */
  sort(): string[] {
    const out: string[] = [];
    const visit = (path: string): void => {
      type Child = { path: string; share: number; count: number; client?: string; internal: boolean };
      const children: Child[] = [];
      const depth = path === '' ? 1 : path.split('/').length + 1;
      const names = new Set<string>();
      for (const c of this.clients.keys()) {
        if (path !== '' && !c.startsWith(`${path}/`)) continue;
        names.add(c.split('/').slice(0, depth).join('/'));
      }
      for (const p of names) {
        const under = [...this.clients.keys()].filter((c) => isUnder(c, p));
        const internal = this.hasDescendant(p);
        children.push({ path: p, share: this.share(under, p), count: this.nodeCount.get(p)!, internal, ...(internal ? {} : { client: p }) });
      }
      if (path !== '' && this.clients.has(path)) {
        children.push({ path: `${path}/.`, share: this.share([path], `${path}/.`), count: this.virtualCount.get(path)!, client: path, internal: false });
      }
      children.sort((x, y) => x.share - y.share || x.count - y.count || (x.path < y.path ? -1 : 1));
      for (const child of children) {
        if (child.internal) visit(child.path);
        else if (this.clients.get(child.client!)!.active) out.push(child.client!);
      }
    };
    visit('');
    return out;
  }
}

// ---------------------------------------------------------------- the test

type Op =
  | { kind: 'add' | 'remove' | 'activate' | 'deactivate'; client: number }
  | { kind: 'weight'; path: number; weight: number }
  | { kind: 'allocated'; client: number; agent: number; resources: number }
  | { kind: 'unallocated'; client: number; chunk: number }
  | { kind: 'update'; client: number; chunk: number; resources: number }
  | { kind: 'addAgent' | 'removeAgent'; agent: number }
  | { kind: 'exclude'; on: boolean }
  | { kind: 'check' };

const n = fc.nat(1000);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), client: n }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), client: n }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('activate' as const), client: n }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deactivate' as const), client: n }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('weight' as const), path: n, weight: n }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('allocated' as const), client: n, agent: n, resources: n }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('unallocated' as const), client: n, chunk: n }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('update' as const), client: n, chunk: n, resources: n }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('addAgent' as const, 'removeAgent' as const), agent: n }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('exclude' as const), on: fc.boolean() }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'check' as const }) },
);

function pick<T>(list: readonly T[], i: number): T | undefined {
  return list.length === 0 ? undefined : list[i % list.length];
}

function run(ops: readonly Op[]): void {
  const model = new Model();
  const drf = new DRFSorter();
  const random = new RandomSorter({ random: () => 0.5 });

  // One comparison per check (jest's expect is the slow part here).
  const check = (): void => {
    const actual: Record<string, unknown> = {
      sort: drf.sort(),
      random: [...random.sort()].sort(),
      count: drf.count(),
      all: [drf.allocationScalarQuantities().toString(), random.allocationScalarQuantities().toString()],
    };
    const expected: Record<string, unknown> = {
      sort: model.sort(),
      random: [...model.clients].filter(([, c]) => c.active).map(([k]) => k).sort(),
      count: model.clients.size,
      all: Array(2).fill(model.quantities([...model.clients.keys()]).toString()),
    };
    for (const client of model.clients.keys()) {
      const held = AGENTS.map((agent) => {
        const h = model.held(client, agent);
        return drf.allocationOn(client, agent).equals(h) && random.allocationOn(client, agent).equals(h);
      });
      actual[client] = [drf.share(client), drf.allocationCount(client), drf.allocationScalarQuantities(client).toString(), random.allocationScalarQuantities(client).toString(), held];
      const quantities = model.quantities([client]).toString();
      expected[client] = [model.clientShare(client), model.clientCount(client), quantities, quantities, AGENTS.map(() => true)];
    }
    expect(actual).toEqual(expected);
  };

  for (const op of ops) {
    const existing = [...model.clients.keys()];
    switch (op.kind) {
      case 'add': {
        const client = pick(CLIENTS, op.client)!;
        if (model.clients.has(client)) break;
        model.add(client);
        drf.add(client);
        random.add(client);
        break;
      }
      case 'remove':
      case 'activate':
      case 'deactivate': {
        const client = pick(existing, op.client);
        if (client === undefined) break;
        if (op.kind === 'remove') model.remove(client);
        else model.clients.get(client)!.active = op.kind === 'activate';
        drf[op.kind](client);
        random[op.kind](client);
        break;
      }
      case 'weight': {
        const path = pick(WEIGHT_PATHS, op.path)!;
        const weight = pick(WEIGHTS, op.weight)!;
        model.weights.set(path, weight);
        drf.updateWeight(path, weight);
        random.updateWeight(path, weight);
        break;
      }
      case 'allocated': {
        const client = pick(existing, op.client);
        if (client === undefined) break;
        const agent = pick(AGENTS, op.agent)!;
        const resources = pick(RESOURCES, op.resources)!;
        model.allocated(client, agent, resources);
        drf.allocated(client, agent, resources);
        random.allocated(client, agent, resources);
        break;
      }
      case 'unallocated':
      case 'update': {
        const client = pick(existing, op.client);
        if (client === undefined) break;
        const chunks = model.clients.get(client)!.chunks;
        const at = chunks.length === 0 ? -1 : op.chunk % chunks.length;
        if (at < 0) break;
        const { agent, resources } = chunks[at]!;
        // Ranges do not add up like scalars (ports p + p - p leaves no p), so
        // a chunk may no longer be held; the allocator never does that.
        const next = op.kind === 'unallocated' ? Resources.EMPTY : pick(RESOURCES, op.resources)!;
        if (!model.change(client, agent, resources, next)) break;
        if (op.kind === 'unallocated') {
          chunks.splice(at, 1);
          drf.unallocated(client, agent, resources);
          random.unallocated(client, agent, resources);
        } else {
          chunks[at] = { agent, resources: next };
          drf.update(client, agent, resources, next);
          random.update(client, agent, resources, next);
        }
        break;
      }
      case 'addAgent':
      case 'removeAgent': {
        const agent = pick(AGENTS, op.agent)!;
        if (op.kind === 'addAgent') {
          if (model.agents.has(agent)) break;
          model.agents.set(agent, TOTALS[agent]!);
          drf.addAgent(agent, TOTALS[agent]!);
          random.addAgent(agent, TOTALS[agent]!);
        } else {
          if (!model.agents.has(agent)) break;
          model.agents.delete(agent);
          drf.removeAgent(agent);
          random.removeAgent(agent);
        }
        break;
      }
      case 'exclude':
        model.excluded = new Set(op.on ? ['gpus'] : []);
        drf.initialize(model.excluded);
        break;
      case 'check':
        check();
        break;
    }
  }
  check();
}

describe('sorters against a from-scratch model', () => {
  it('agree after random operation sequences', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 20, maxLength: 150, size: 'max' }), (ops) => {
        run(ops);
      }),
      { numRuns: 500, seed: 20240611 },
    );
  });

  it('agree on a long sequence with many ties', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 300, maxLength: 500, size: 'max' }), (ops) => {
        run(ops);
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});
