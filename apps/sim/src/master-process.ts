/**
 * A real `mesos-master` process for the end-to-end benchmark: started from the built binary on 127.0.0.1 with a
 * free port, its log in a file, optionally under `node --cpu-prof`. Its memory and CPU are read from /proc, so
 * they are the master's own and not the benchmark's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MesosTsError } from '@mesos-ts/errors';
import { freePort, waitForHttp } from '@mesos-ts/http-api/testing';

/** The repository root (apps/sim/src -> ../../..). */
export const REPO_ROOT = resolve(__dirname, '../../..');

/** The built master binary. */
export const MASTER_BIN = join(REPO_ROOT, 'apps', 'master', 'dist', 'main.js');

/** Options of {@link MasterProcess.start}. */
export interface MasterProcessOptions {
  /** Master flags besides `--ip` and `--port`, e.g. `--allocation_interval=50ms`. */
  readonly flags?: readonly string[];
  /** Where the master's stderr/stdout go (appended). Default: discarded. */
  readonly logFile?: string;
  /** Run under `node --cpu-prof`, writing the profile into this directory when the master exits. */
  readonly cpuProfileDir?: string;
  /** Default {@link MASTER_BIN}. */
  readonly bin?: string;
  /** How long to wait for `/health`. Default 20 s. */
  readonly startTimeoutMs?: number;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** A running master process. */
export class MasterProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  readonly #exited: Promise<number | null>;

  private constructor(child: ChildProcess, port: number, exited: Promise<number | null>) {
    this.child = child;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.#exited = exited;
  }

  /** Starts a master and resolves once `/health` answers. Rejects (and kills it) if it does not come up. */
  static async start(options: MasterProcessOptions = {}): Promise<MasterProcess> {
    const bin = options.bin ?? MASTER_BIN;
    if (!existsSync(bin)) throw new MesosTsError('NOT_FOUND', `${bin} is missing: build the master first (npx nx run-many -t build --projects=@mesos-ts/master)`);
    const port = await freePort();
    const nodeArgs = options.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`];
    const log = options.logFile === undefined ? 'ignore' : openSync(options.logFile, 'a');
    const child = spawn(process.execPath, [...nodeArgs, bin, '--ip=127.0.0.1', `--port=${port}`, ...(options.flags ?? [])], {
      stdio: ['ignore', log, log],
      env: { ...process.env },
    });
    if (typeof log === 'number') closeSync(log);
    // Never outlive the process that started it, however that one ends (an exception, process.exit, a signal
    // that the benchmark turns into an exit).
    const killOnExit = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    const exited = new Promise<number | null>((done) =>
      child.once('exit', (code) => {
        process.off('exit', killOnExit);
        done(code);
      }),
    );
    const master = new MasterProcess(child, port, exited);
    try {
      const deadline = options.startTimeoutMs ?? 20_000;
      const health = await Promise.race([
        waitForHttp(`${master.url}/health`, deadline),
        exited.then((code) => {
          throw new MesosTsError('UNAVAILABLE', `mesos-master exited with ${String(code)} before answering /health${options.logFile === undefined ? '' : `; see ${options.logFile}`}`);
        }),
      ]);
      if (health.status !== 200) throw new MesosTsError('UNAVAILABLE', `mesos-master answered /health with ${health.status}`);
    } catch (e) {
      await master.stop(1000);
      throw e;
    }
    return master;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The master's resident set size (VmRSS) in KiB. */
  rssKiB(): number {
    return procStatusKiB(this.pid, 'VmRSS');
  }

  /** The master's peak resident set size (VmHWM) in KiB. */
  peakRssKiB(): number {
    return procStatusKiB(this.pid, 'VmHWM');
  }

  /** CPU seconds (user + system) the master has used so far. */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / USER_HZ;
  }

  /** SIGTERM (the master stops cleanly and writes its CPU profile), SIGKILL after `graceMs`. Resolves on exit. */
  async stop(graceMs = 15_000): Promise<number | null> {
    if (!this.running) return this.#exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A `<name>: <n> kB` line of /proc/<pid>/status. */
export function procStatusKiB(pid: number, name: string): number {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
  if (match === null) throw new MesosTsError('NOT_FOUND', `No ${name} in /proc/${pid}/status`);
  return Number(match[1]);
}
