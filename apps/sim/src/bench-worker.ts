/**
 * {@link runBenchSchedulerInWorker}: the bench scheduler on a worker thread, so that its work (decoding events,
 * sending ACCEPTs and acknowledgements) runs beside the simulated agents' instead of taking turns with it on one
 * event loop. The benchmark process then keeps up with the master rather than pacing it.
 *
 * The worker loads this very module. From TypeScript sources (under `tsx`) it first registers tsx's CommonJS
 * hook: Node 20 does not apply the `--import` loader hooks of `execArgv` to a worker's entry file.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runBenchScheduler, type BenchRunOptions, type BenchRunResult } from './bench-scheduler';

/** Options that can cross to a worker: everything but a dispatcher. */
export type WorkerBenchRunOptions = Omit<BenchRunOptions, 'dispatcher'>;

type Reply = { readonly ok: true; readonly result: BenchRunResult } | { readonly ok: false; readonly error: string };

/** Node flags a worker refuses (process-wide ones) are left out of what it inherits. */
const PROCESS_WIDE_FLAG = /^--(?:expose[-_]gc|cpu-prof|heap-prof|prof(?:$|=|-))/;

/** Runs {@link runBenchScheduler} on a new worker thread; rejects if it throws or the worker dies. */
export function runBenchSchedulerInWorker(options: WorkerBenchRunOptions): Promise<BenchRunResult> {
  const execArgv = process.execArgv.filter((flag) => !PROCESS_WIDE_FLAG.test(flag));
  return new Promise((resolve, reject) => {
    const worker = __filename.endsWith('.ts')
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true, workerData: options, execArgv })
      : new Worker(__filename, { workerData: options, execArgv });
    let settled = false;
    worker.once('message', (reply: Reply) => {
      settled = true;
      if (reply.ok) resolve(reply.result);
      else reject(new Error(`The bench scheduler failed: ${reply.error}`));
    });
    worker.once('error', (e) => {
      if (!settled) reject(e);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`The bench scheduler's worker exited with ${code} before answering`));
    });
  });
}

if (!isMainThread && parentPort !== null && (workerData as { tasks?: unknown } | undefined)?.tasks !== undefined) {
  const port = parentPort;
  runBenchScheduler(workerData as WorkerBenchRunOptions).then(
    (result) => port.postMessage({ ok: true, result } satisfies Reply),
    (e: unknown) => port.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies Reply),
  );
}
