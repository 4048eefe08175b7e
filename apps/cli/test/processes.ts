// Child processes for the CLI's process tests: the `mesos` binary, the local-cluster script, and the build the
// real-cluster tests need (the agent runs executors from apps/executor/dist, which needs built packages).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const APP = resolve(__dirname, '..');
export const ROOT = resolve(APP, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

export interface Child {
  readonly child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code (null when killed by a signal) once stdout and stderr are read to the end. */
  exited(): Promise<number | null>;
}

function supervise(child: ChildProcess): Child {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return { child, output: () => ({ stdout, stderr }), exited: () => closed };
}

/** `mesos ...args`: from sources through tsx, or `bin` (default: MESOS_CLI_BIN), e.g. `dist/main.js`. */
export function startCli(args: readonly string[], env: Record<string, string> = {}, bin = process.env['MESOS_CLI_BIN']): Child {
  const [cmd, argv] = bin ? [process.execPath, [resolve(APP, bin), ...args]] : [TSX, ['--conditions=@mesos-ts/source', join(APP, 'src/main.ts'), ...args]];
  const { MESOS_MASTER: _ignored, ...inherited } = process.env;
  return supervise(spawn(cmd, argv, { cwd: APP, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** `node tools/scripts/local-cluster.mjs` with `env` (ports, directory). */
export function startLocalCluster(env: Record<string, string>): Child {
  return supervise(spawn(process.execPath, [join(ROOT, 'tools/scripts/local-cluster.mjs')], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

export async function waitFor(condition: () => boolean, what: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Builds the daemons, the executors and the CLI (and what they depend on; nx caches). Skipped under nx (`npm test`
 * builds everything before it runs the tests) and with MESOS_TS_SKIP_BUILD=1.
 */
export function buildDaemons(): void {
  if (process.env['NX_TASK_TARGET_PROJECT'] !== undefined || process.env['MESOS_TS_SKIP_BUILD'] === '1') return;
  execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', '@mesos-ts/master', '@mesos-ts/agent', '@mesos-ts/executor', '@mesos-ts/cli', '--outputStyle=static'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * Builds the CLI's dist (what the process tests run), unless nx already built it (`npm test`) or
 * MESOS_TS_SKIP_BUILD=1.
 */
export function buildCli(): void {
  if (process.env['NX_TASK_TARGET_PROJECT'] !== undefined || process.env['MESOS_TS_SKIP_BUILD'] === '1') return;
  execFileSync('npx', ['tsup'], { cwd: APP, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Runs `mesos ...args` with the built binary (or MESOS_CLI_BIN) and resolves with its code and output. */
export async function runMesos(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = startCli(args, env, process.env['MESOS_CLI_BIN'] ?? 'dist/main.js');
  const code = await p.exited();
  return { code, ...p.output() };
}
