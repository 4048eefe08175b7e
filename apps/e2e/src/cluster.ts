/**
 * A real cluster for end-to-end tests: `mesos-master` and `mesos-agent` processes started from their built
 * binaries (`apps/<app>/dist/main.js`, which `npm test` builds before testing) on 127.0.0.1 with free ports and
 * temporary work directories. Nothing is mocked: agents register over the master-agent protocol and launch real
 * executors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, waitForHttp } from '@mesos-ts/http-api/testing';

const REPO = resolve(__dirname, '../../..');

/** The built entry point of an app; fails clearly when `npm test` (or `npx nx run-many -t build`) has not built it. */
export function appBinary(app: 'master' | 'agent' | 'cli'): string {
  const bin = join(REPO, 'apps', app, 'dist', 'main.js');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build first (npx nx run-many -t build)`);
  return bin;
}

/** A daemon process whose output is kept for failure messages. */
export class Daemon {
  readonly child: ChildProcess;
  private output = '';
  private readonly exit: Promise<number | null>;

  constructor(
    readonly name: string,
    bin: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = {},
  ) {
    this.child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer): void => {
      this.output += d.toString();
      if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exit = new Promise((done) => this.child.once('close', (code) => done(code)));
  }

  /** The last part of what it printed. */
  log(tail = 4000): string {
    return this.output.slice(-tail);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM and wait (SIGKILL after `graceMs`). */
  async stop(graceMs = 10_000): Promise<number | null> {
    if (!this.running) return this.exit;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exit;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL: the process dies without a word to anyone (a crashed machine, as far as the master can tell). */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exit;
  }
}

export interface AgentProcess {
  readonly daemon: Daemon;
  readonly port: number;
  readonly url: string;
  readonly workDir: string;
}

export interface ClusterOptions {
  /** Agents to start (default 1). */
  readonly agents?: number;
  /** Extra master flags, e.g. `['--agent_ping_timeout=1secs']`. */
  readonly masterFlags?: readonly string[];
  /** Extra agent flags; `--resources` defaults to `cpus:4;mem:4096;disk:4096;ports:[31000-32000]`. */
  readonly agentFlags?: readonly string[];
}

export interface Cluster {
  readonly masterUrl: string;
  /** `127.0.0.1:<port>` as `--master` and `mesos execute` take it. */
  readonly masterAddress: string;
  readonly master: Daemon;
  readonly agents: AgentProcess[];
  /** Starts one more agent and waits until it is registered. */
  addAgent(flags?: readonly string[]): Promise<AgentProcess>;
  /** GET /master/state as JSON. */
  state(): Promise<MasterState>;
  /** The daemons' recent output, for failure messages. */
  logs(): string;
  /** Stops every daemon and removes the work directories. */
  stop(): Promise<void>;
}

/** The parts of `/master/state` the tests read. */
export interface MasterState {
  readonly slaves: readonly { id: string; active: boolean; pid: string; hostname: string; resources: Record<string, unknown>; used_resources: Record<string, unknown> }[];
  readonly frameworks: readonly StateFramework[];
  readonly completed_frameworks: readonly StateFramework[];
  readonly [key: string]: unknown;
}
export interface StateFramework {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
  readonly tasks: readonly { id: string; state: string; slave_id: string }[];
  readonly completed_tasks: readonly { id: string; state: string }[];
  readonly [key: string]: unknown;
}

/**
 * Kills every process still working in a directory under `root`: executors and tasks orphaned by an agent the
 * test killed outright (nothing else would ever stop them).
 */
export function killStrays(root: string): number {
  let killed = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (cwd === root || cwd.startsWith(`${root}/`)) {
        process.kill(Number(name), 'SIGKILL');
        killed++;
      }
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return killed;
}

/** Polls `check` every 100 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a master and `agents` agents, resolving once every agent is registered and active. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const root = mkdtempSync(join(tmpdir(), 'mesos-ts-e2e-'));
  const masterPort = await freePort();
  const masterUrl = `http://127.0.0.1:${masterPort}`;
  const masterAddress = `127.0.0.1:${masterPort}`;
  const master = new Daemon('master', appBinary('master'), [
    '--ip=127.0.0.1',
    `--port=${masterPort}`,
    `--work_dir=${join(root, 'master')}`,
    '--allocation_interval=100ms',
    ...(options.masterFlags ?? []),
  ]);
  const agents: AgentProcess[] = [];

  const state = async (): Promise<MasterState> => {
    const res = await fetch(`${masterUrl}/master/state`);
    if (res.status !== 200) throw new Error(`GET /master/state answered ${res.status}`);
    return (await res.json()) as MasterState;
  };
  const logs = (): string => [master, ...agents.map((a) => a.daemon)].map((d) => `--- ${d.name}\n${d.log()}`).join('\n');

  const addAgent = async (flags: readonly string[] = []): Promise<AgentProcess> => {
    const port = await freePort();
    const workDir = join(root, `agent-${agents.length}`);
    const extra = [...(options.agentFlags ?? []), ...flags];
    const daemon = new Daemon(`agent-${agents.length}`, appBinary('agent'), [
      `--master=${masterAddress}`,
      '--ip=127.0.0.1',
      `--port=${port}`,
      `--work_dir=${workDir}`,
      ...(extra.some((f) => f.startsWith('--hostname=')) ? [] : ['--hostname=127.0.0.1']),
      ...(extra.some((f) => f.startsWith('--resources=')) ? [] : ['--resources=cpus:4;mem:4096;disk:4096;ports:[31000-32000]']),
      ...extra,
    ]);
    const agent = { daemon, port, url: `http://127.0.0.1:${port}`, workDir };
    agents.push(agent);
    const pid = `slave(1)@127.0.0.1:${port}`;
    await eventually(`agent ${daemon.name} to register\n${logs()}`, async () => {
      if (!daemon.running) throw new Error(`agent exited:\n${daemon.log()}`);
      const s = await state();
      return s.slaves.some((a) => a.pid === pid && a.active) ? true : undefined;
    });
    return agent;
  };

  try {
    await waitForHttp(`${masterUrl}/health`, 20_000);
    for (let i = 0; i < (options.agents ?? 1); i++) await addAgent();
  } catch (e) {
    await Promise.all([master.stop(), ...agents.map((a) => a.daemon.stop())]);
    rmSync(root, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\n${logs()}`);
  }

  return {
    masterUrl,
    masterAddress,
    master,
    agents,
    addAgent,
    state,
    logs,
    stop: async () => {
      await Promise.all(agents.map((a) => a.daemon.stop()));
      await master.stop();
      killStrays(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
