/**
 * Runs a real executor as a child process: from sources through tsx by default, or the built file when
 * MESOS_EXECUTOR_DIST names the build folder (e.g. `MESOS_EXECUTOR_DIST=dist` after `npx tsup`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const APP = resolve(__dirname, '..');
const TSX = resolve(APP, '../../node_modules/.bin/tsx');

export type Program = 'mesos-executor' | 'mesos-default-executor';

export interface RunningExecutor {
  readonly child: ChildProcess;
  readonly sandbox: string;
  /** Resolves with the exit status once the process and its output have ended. */
  readonly exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
}

/** A fresh sandbox directory. */
export function makeSandbox(): string {
  return mkdtempSync(join(tmpdir(), 'mesos-executor-test-'));
}

export function runExecutor(program: Program, env: Record<string, string | undefined>, args: string[] = [], sandbox = makeSandbox()): RunningExecutor {
  const dist = process.env['MESOS_EXECUTOR_DIST'];
  const [command, argv] = dist
    ? [process.execPath, [resolve(APP, dist, `${program}.js`), ...args]]
    : [TSX, ['--conditions=@mesos-ts/source', join(APP, 'src', `${program}.ts`), ...args]];
  const childEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, MESOS_SANDBOX: sandbox, MESOS_DIRECTORY: sandbox, ...env })) {
    if (value !== undefined) childEnv[name] = value;
  }
  const child = spawn(command, argv, { cwd: sandbox, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return { child, sandbox, exited, output: () => ({ stdout, stderr }) };
}

/** The executor's environment for `agent`, as the agent would set it. */
export function executorEnv(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return { MESOS_AGENT_ENDPOINT: endpoint, MESOS_FRAMEWORK_ID: 'framework-1', MESOS_EXECUTOR_ID: 'executor-1', MESOS_CHECKPOINT: '0', ...extra };
}

/** Waits for `promise`, failing after `ms` with `what`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${what}`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolvePromise(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
