/**
 * Helpers for the real-process tests: throwaway sandboxes, configs in one call, and a look at which processes of a
 * container still run.
 */
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value_Type, type CommandInfo, type Resource } from '@mesos-ts/proto';
import { PosixContainerizer } from '../src/posix-containerizer';
import { containerProcesses, isExited, type ProcStat } from '../src/internal/proc';
import type { ContainerConfig } from '../src/types';

export const isRoot = process.getuid?.() === 0;

let counter = 0;

/** A containerizer plus the sandboxes made for it, all cleaned up by `close()`. */
export class Harness {
  readonly containerizer: PosixContainerizer;
  private readonly sandboxes: string[] = [];

  constructor(containerizer = new PosixContainerizer()) {
    this.containerizer = containerizer;
  }

  /** A new empty sandbox directory (real path, so `pwd` in the container prints the same). */
  async sandbox(): Promise<string> {
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'containerizer-test-')));
    this.sandboxes.push(dir);
    return dir;
  }

  /** A config running `command` (shell unless `command.shell` is false) in a fresh sandbox. */
  async config(command: CommandInfo, extra: Partial<Omit<ContainerConfig, 'command'>> = {}): Promise<ContainerConfig> {
    counter += 1;
    return {
      containerId: `container-${process.pid}-${counter}`,
      environment: { PATH: '/usr/local/bin:/usr/bin:/bin' },
      resources: [],
      sandbox: extra.sandbox ?? (await this.sandbox()),
      command,
      ...extra,
    };
  }

  /** Launches and fails the test if the launch fails. */
  async launch(config: ContainerConfig): Promise<number> {
    const launched = await this.containerizer.launch(config);
    if (!launched.ok) throw launched.error;
    return launched.value.pid;
  }

  async close(): Promise<void> {
    await Promise.all(this.containerizer.containers().map((id) => this.containerizer.destroy(id)));
    await Promise.all(this.sandboxes.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

export function readSandbox(sandbox: string, file: string): Promise<string> {
  return readFile(join(sandbox, file), 'utf8');
}

/** The processes of group/session `pgid` that have not exited. */
export async function liveMembers(pgid: number): Promise<ProcStat[]> {
  return (await containerProcesses(pgid)).filter((p) => !isExited(p));
}

/** Whether `pid` runs (a zombie does not count). */
export async function running(pid: number): Promise<boolean> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Polls `check` every 10 ms until it holds; throws after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function scalar(name: string, value: number): Resource {
  return { name, type: Value_Type.SCALAR, scalar: { value } };
}
