/**
 * `npm run bench:e2e`: the end-to-end benchmark. A real `mesos-master` process, simulated agents over the real
 * master-agent protocol (apps/sim), and a bench framework on @mesos-ts/client, all on loopback:
 *
 *   1. throughput (tasks/s from the first offer to the last TASK_FINISHED acknowledged) with launches batched
 *      (one LAUNCH of many tasks per ACCEPT; and one LAUNCH per task in one ACCEPT) and one task per ACCEPT;
 *   2. offer-to-RUNNING latency p50/p99 with launches paced at half the measured throughput of each mode;
 *   3. the master's resident memory (VmRSS) idle, with SIM_AGENTS agents and, in a fresh master, with
 *      SIM_AGENTS_LARGE agents;
 *   4. in that large cluster, with SIM_STATE_TASKS tasks running on it: the latency (p50/p99, to the last byte)
 *      and size of `GET /master/state`, unchanged between requests and with a change (a task killed) before each,
 *      and of `GET /metrics/snapshot` (target: /master/state p50 <= 250 ms; Apache Mesos needed 5.7-8 s for its
 *      large preset).
 *
 * Environment:
 *   SIM_AGENTS=1000           simulated agents for the throughput and latency runs
 *   SIM_TASKS=20000           tasks per throughput run (latency runs use half)
 *   SIM_AGENTS_LARGE=10000    agents for the second memory figure and the polled-endpoint figures (0 skips them)
 *   SIM_STATE_TASKS=100000    running tasks in the large cluster for the /master/state figures (0 skips them)
 *   SIM_STATE_REQUESTS=20     requests per /master/state and /metrics/snapshot figure
 *   SIM_REPEAT=3              throughput runs per mode (the median is reported)
 *   SIM_ALLOCATION_INTERVAL=50ms   the master's --allocation_interval (see below)
 *   SIM_AGENT_RESOURCES       each agent's resources (default cpus:1;mem:1024;disk:1024;ports:[31000-32000])
 *   SIM_PROFILE=<dir>         run the first master under `node --cpu-prof`, the profile lands in <dir>
 *   SIM_MASTER_LOG=<file>     keep the master's log there (default: a temporary file, deleted at the end unless
 *                             the run failed; at INFO it takes ~150 MB per run)
 *   SIM_SKIP_BUILD=1          do not (re)build apps/master first
 *   SIM_SCHEDULER_THREAD=worker|main   where the bench scheduler runs (default: a worker thread when the machine
 *                             has more than 2 cores, else the main thread beside the agents; on 2 cores a worker
 *                             only adds a third busy thread)
 *   SIM_PIPELINING=<n>        HTTP/1.1 pipelining of calls (agents' and the bench scheduler's; see
 *                             apps/sim/src/split-dispatcher.ts); 1 sends one call per connection at a time.
 *                             Default: 8 for the agents, 16 for the scheduler
 *   SIM_ONLY_LARGE=1          run phase 2 only (the large cluster: memory and the polled-endpoint figures)
 *   SIM_STATE_PROFILE=<dir>   run the large cluster's master under `node --cpu-prof`
 *   BENCH_JSON=<file>         append one JSON line per figure, as `npm run bench` does
 *
 * Why --allocation_interval=50ms: Mesos's default (1 s) caps one-task-per-ACCEPT throughput at one task per agent
 * per second, because the rest of an offer only comes back at the next allocation; 50 ms lets 1000 agents carry
 * 20,000 launches/s in that mode, while an allocation run over 1000 agents takes a few ms, so the allocator
 * itself stays a small share of the master's time.
 */
import { execSync } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import type { BenchFigure } from '../../../tools/bench/harness';
import {
  DEFAULT_SIM_RESOURCES,
  MASTER_BIN,
  MasterProcess,
  REPO_ROOT,
  runBenchScheduler,
  fillCluster,
  percentiles,
  runBenchSchedulerInWorker,
  simulateAgents,
  type FilledCluster,
  type TaskBehaviour,
  type AgentSimulation,
  type BenchRunResult,
  type LaunchMode,
  type WorkerBenchRunOptions,
} from '../src';

/** A figure with the direction that is better, so a target can be a floor (throughput) or a ceiling (latency). */
interface E2eFigure extends BenchFigure {
  readonly better: 'higher' | 'lower';
  /** Other published figures to compare with (beyond `reference`). */
  readonly anchors?: readonly { readonly value: number; readonly source: string }[];
}

interface Row {
  readonly scenario: string;
  readonly params: Readonly<Record<string, number | string>>;
  readonly figure: E2eFigure;
}

const NOMAD = { value: 3750, source: 'Nomad C1M: 3,750 containers/s, 5 servers' };
const KUBE = { value: 810, source: 'kube-scheduler: >= 810 pods/s at 5k nodes' };

function envInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`Invalid ${name}='${text}': expected a non-negative integer`);
  return n;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

/** A master duration flag (`50ms`, `1secs`, `0.5secs`, `2mins`) in seconds. */
function durationSeconds(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ns|us|ms|secs|mins|hrs)$/.exec(text.trim());
  if (match === null) throw new Error(`Invalid SIM_ALLOCATION_INTERVAL='${text}': expected a duration such as 50ms or 1secs`);
  const scale: Record<string, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, secs: 1, mins: 60, hrs: 3600 };
  return Number(match[1]) * scale[match[2]!]!;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds the master (and the packages it loads from their dist) unless told not to; an old build is kept on failure. */
function ensureMasterBuilt(): void {
  if (process.env['SIM_SKIP_BUILD'] === '1' && existsSync(MASTER_BIN)) return;
  try {
    console.log('# building @mesos-ts/master (npx nx run-many -t build --projects=@mesos-ts/master) ...');
    execSync('npx nx run-many -t build --projects=@mesos-ts/master --outputStyle=static', { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    if (!existsSync(MASTER_BIN)) throw e;
    console.log(`# the build failed; using the existing ${MASTER_BIN}`);
  }
}

const schedulerThread = process.env['SIM_SCHEDULER_THREAD'] ?? (availableParallelism() > 2 ? 'worker' : 'main');
if (schedulerThread !== 'worker' && schedulerThread !== 'main') throw new Error(`Invalid SIM_SCHEDULER_THREAD='${schedulerThread}': expected worker or main`);

/** One bench scheduler run, on the thread chosen above, with the CPU the master and this process used meanwhile. */
const pipeliningText = process.env['SIM_PIPELINING'];
const pipelining = pipeliningText === undefined || pipeliningText === '' ? undefined : envInt('SIM_PIPELINING', 1);
if (pipelining === 0) throw new Error("Invalid SIM_PIPELINING='0': expected at least 1");

async function measuredRun(master: MasterProcess, given: WorkerBenchRunOptions): Promise<{ result: BenchRunResult; masterCpuPct: number; benchCpuPct: number; masterCpuMs: number }> {
  const options: WorkerBenchRunOptions = pipelining === undefined ? given : { ...given, pipelining };
  const masterCpu0 = master.cpuSeconds();
  const benchCpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await (schedulerThread === 'worker' ? runBenchSchedulerInWorker(options) : runBenchScheduler(options));
  const wallS = (performance.now() - t0) / 1000;
  const benchCpu = process.cpuUsage(benchCpu0);
  const masterCpuS = master.cpuSeconds() - masterCpu0;
  return { result, masterCpuPct: (masterCpuS / wallS) * 100, benchCpuPct: ((benchCpu.user + benchCpu.system) / 1e6 / wallS) * 100, masterCpuMs: masterCpuS * 1000 };
}

function describe(r: BenchRunResult): string {
  const s = r.stages;
  return (
    `${r.finished}/${r.tasks} finished${r.failed > 0 ? `, ${r.failed} failed` : ''}${r.timedOut ? ', TIMED OUT' : ''}; ` +
    `${r.acceptCalls} ACCEPTs, ${r.offersReceived} offers (${r.declinedOffers} declined); ` +
    `means ms: offer->ACCEPT answered ${fmt(s.offerToAccepted)}, offer->RUNNING ${fmt(s.offerToRunning)}, ` +
    `RUNNING->terminal ${fmt(s.runningToTerminal)}, terminal->ack answered ${fmt(s.terminalToAcknowledged)}` +
    (r.failures.length > 0 ? `\n    failures: ${r.failures.join(' | ')}` : '')
  );
}

/** The master's recent allocation run times (its /metrics/snapshot window), as one line. */
async function allocationRuns(master: MasterProcess): Promise<string> {
  try {
    const metrics = (await (await fetch(`${master.url}/metrics/snapshot`)).json()) as Record<string, number>;
    const at = (q: string): string => fmt(metrics[`allocator/mesos/allocation_run_ms/${q}`] ?? Number.NaN);
    return `master allocation runs (last ${metrics['allocator/mesos/allocation_run_ms/count'] ?? 0}): p50 ${at('p50')} ms, p99 ${at('p99')} ms, max ${at('max')} ms`;
  } catch (e) {
    return `no /metrics/snapshot: ${(e as Error).message}`;
  }
}

async function startAgents(master: MasterProcess, count: number, resources: string, behaviour?: TaskBehaviour): Promise<{ sim: AgentSimulation; seconds: number }> {
  const t0 = performance.now();
  let warnings = 0;
  const sim = simulateAgents({
    master: master.url,
    count,
    resources,
    ...(behaviour === undefined ? {} : { behaviour }),
    ...(pipelining === undefined ? {} : { pipelining }),
    logger: {
      info: () => undefined,
      warn: (message) => {
        if (warnings++ < 5) console.log(`  # agent: ${message}`);
      },
      error: (message) => console.log(`  # agent error: ${message}`),
    },
  });
  await sim.ready(Math.max(60_000, count * 20));
  return { sim, seconds: (performance.now() - t0) / 1000 };
}

/** RSS read 2 s after the last change, once the master's GC and lazy allocations have calmed down. */
async function settledRssMiB(master: MasterProcess): Promise<number> {
  await sleep(2000);
  return master.rssKiB() / 1024;
}

/**
 * One GET to the last byte: milliseconds and bytes. The body is counted, not kept: this process also runs the
 * simulated agents, and copying 40 MB into one buffer here would be measured as the master's time.
 */
function timedGet(url: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
      res.on('end', () => (res.statusCode === 200 ? resolve({ ms: performance.now() - t0, bytes }) : reject(new Error(`GET ${url}: ${res.statusCode ?? 0}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/**
 * The polled endpoints on a filled cluster: `/master/state` once cold (the first request builds every cached
 * part), `requests` times with nothing changed in between, `requests` times with a task killed before each (so
 * the parts it touches are made again), and `/metrics/snapshot`.
 */
async function pollFigures(master: MasterProcess, filled: FilledCluster, params: Row['params'], requests: number, add: (scenario: string, params: Row['params'], figure: E2eFigure) => void): Promise<void> {
  const mesos = { value: 5700, source: 'Apache Mesos 1.11 /master/state, large preset: 5.7-8 s' };
  const cold = await timedGet(`${master.url}/master/state`);
  console.log(`  # /master/state cold (first request, every part made): ${fmt(cold.ms)} ms, ${fmt(cold.bytes / 1e6)} MB`);
  const unchanged: number[] = [];
  for (let i = 0; i < requests; i++) unchanged.push((await timedGet(`${master.url}/master/state`)).ms);
  const changed: number[] = [];
  let size = cold.bytes;
  for (let i = 0; i < requests; i++) {
    await filled.killOne();
    const r = await timedGet(`${master.url}/master/state`);
    changed.push(r.ms);
    size = r.bytes;
  }
  const metrics: number[] = [];
  for (let i = 0; i < requests; i++) metrics.push((await timedGet(`${master.url}/metrics/snapshot`)).ms);
  const u = percentiles(unchanged);
  const c = percentiles(changed);
  const m = percentiles(metrics);
  add('e2e/MasterState', { ...params, between: 'nothing' }, { metric: 'p50_ms', value: u.p50, unit: 'ms', target: 250, better: 'lower', reference: mesos });
  add('e2e/MasterState', { ...params, between: 'nothing' }, { metric: 'p99_ms', value: u.p99, unit: 'ms', better: 'lower' });
  add('e2e/MasterState', { ...params, between: 'a task killed' }, { metric: 'p50_ms', value: c.p50, unit: 'ms', target: 250, better: 'lower', reference: mesos });
  add('e2e/MasterState', { ...params, between: 'a task killed' }, { metric: 'p99_ms', value: c.p99, unit: 'ms', better: 'lower' });
  add('e2e/MasterState', { ...params, first: 'cold' }, { metric: 'latency_ms', value: cold.ms, unit: 'ms', better: 'lower' });
  add('e2e/MasterState', params, { metric: 'size_mb', value: size / 1e6, unit: 'MB', better: 'lower' });
  add('e2e/MetricsSnapshot', params, { metric: 'p50_ms', value: m.p50, unit: 'ms', better: 'lower' });
  add('e2e/MetricsSnapshot', params, { metric: 'p99_ms', value: m.p99, unit: 'ms', better: 'lower' });
}

async function main(): Promise<void> {
  const agents = envInt('SIM_AGENTS', 1000);
  const tasks = envInt('SIM_TASKS', 20_000);
  const largeAgents = envInt('SIM_AGENTS_LARGE', 10_000);
  const stateTasks = envInt('SIM_STATE_TASKS', 100_000);
  const stateRequests = Math.max(1, envInt('SIM_STATE_REQUESTS', 20));
  const repeat = Math.max(1, envInt('SIM_REPEAT', 3));
  const interval = process.env['SIM_ALLOCATION_INTERVAL'] ?? '50ms';
  const resources = process.env['SIM_AGENT_RESOURCES'] ?? DEFAULT_SIM_RESOURCES;
  const profileDir = process.env['SIM_PROFILE'];
  const keepLog = process.env['SIM_MASTER_LOG'] !== undefined;
  const logFile = process.env['SIM_MASTER_LOG'] ?? join(tmpdir(), `mesos-ts-bench-e2e-master-${process.pid}.log`);
  const jsonFile = process.env['BENCH_JSON'];
  if (agents < 1 || tasks < 1) throw new Error('SIM_AGENTS and SIM_TASKS must be at least 1');
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });

  const flags = [`--allocation_interval=${interval}`];
  // Paced launches may burst over two allocation intervals: offers come once per allocation run.
  const burstSeconds = 2 * durationSeconds(interval);
  ensureMasterBuilt();
  console.log(`# master: ${MASTER_BIN} ${flags.join(' ')} (log: ${logFile}); agents: ${agents} x ${resources}; tasks: ${tasks} x cpus:0.01;mem:1`);
  console.log(`# bench scheduler on the ${schedulerThread} thread`);
  console.log(`# load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')} with ${availableParallelism()} cores (other work on the machine skews the figures)`);

  const rows: Row[] = [];
  let failedRuns = 0;
  const add = (scenario: string, params: Row['params'], figure: E2eFigure): void => {
    rows.push({ scenario, params, figure });
  };

  // SIM_ONLY_LARGE=1: only phase 2 (the large cluster: memory, /master/state, /metrics/snapshot).
  if (process.env['SIM_ONLY_LARGE'] !== '1') {
    // ---- phase 1: throughput and latency with SIM_AGENTS agents ------------------------------------------------
    const master = await MasterProcess.start({ flags, logFile, ...(profileDir === undefined ? {} : { cpuProfileDir: profileDir }) });
    let sim: AgentSimulation | undefined;
    try {
      const idleMiB = await settledRssMiB(master);
      const started = await startAgents(master, agents, resources);
      sim = started.sim;
      console.log(`# ${agents} agents registered in ${started.seconds.toFixed(1)} s`);
      const withAgentsMiB = await settledRssMiB(master);
      add('e2e/MasterMemory', { agents: 0 }, { metric: 'master_rss_mib', value: idleMiB, unit: 'MiB', better: 'lower' });
      add('e2e/MasterMemory', { agents }, { metric: 'master_rss_mib', value: withAgentsMiB, unit: 'MiB', better: 'lower' });

      // JIT warm-up of both processes: not reported.
      await measuredRun(master, { master: master.url, tasks: Math.min(2000, tasks), mode: 'batched', frameworkName: 'bench-warmup' });
      await measuredRun(master, { master: master.url, tasks: Math.min(1000, tasks), mode: 'one-per-accept', frameworkName: 'bench-warmup' });

      const max: Partial<Record<LaunchMode, number>> = {};
      const throughput: readonly { mode: LaunchMode; target: number }[] = [
        { mode: 'batched', target: 5000 },
        { mode: 'batched-ops', target: 5000 },
        { mode: 'one-per-accept', target: 2500 },
      ];
      for (const { mode, target } of throughput) {
        // Several runs, the median reported: other work on a small machine makes single runs jumpy.
        const runs: Awaited<ReturnType<typeof measuredRun>>[] = [];
        for (let i = 0; i < repeat; i++) {
          const run = await measuredRun(master, { master: master.url, tasks, mode, frameworkName: `bench-${mode}` });
          if (run.result.failed > 0 || run.result.timedOut) failedRuns++;
          console.log(`  # throughput ${mode} #${i + 1}: ${fmt(run.result.tasksPerSecond)} tasks/s; ${describe(run.result)}; CPU: master ${fmt(run.masterCpuPct)}%, bench process ${fmt(run.benchCpuPct)}% of a core`);
          runs.push(run);
        }
        runs.sort((a, b) => a.result.tasksPerSecond - b.result.tasksPerSecond);
        const median = runs[Math.floor(runs.length / 2)]!;
        max[mode] = median.result.tasksPerSecond;
        const params = { agents, tasks, mode, allocation_interval: interval, runs: repeat };
        add('e2e/Throughput', params, { metric: 'tasks_per_s', value: median.result.tasksPerSecond, unit: 'tasks/s', target, better: 'higher', reference: NOMAD, anchors: [KUBE] });
        add('e2e/Throughput', params, { metric: 'master_cpu_pct', value: median.masterCpuPct, unit: '% of a core', better: 'lower' });
        // What the master alone needs per task: its ceiling on a core of its own, whatever the benchmark costs.
        add('e2e/Throughput', params, { metric: 'master_cpu_ms_per_task', value: median.masterCpuMs / Math.max(1, median.result.finished), unit: 'ms', better: 'lower' });
      }

      for (const mode of ['one-per-accept', 'batched'] as const) {
        const measuredMax = max[mode] ?? Number.NaN;
        if (!(measuredMax > 0)) {
          console.log(`  # no latency run for ${mode}: its throughput runs finished no task`);
          failedRuns++;
          continue;
        }
        const rate = Math.max(1, Math.floor(measuredMax / 2));
        const latencyTasks = Math.max(1, Math.floor(tasks / 2));
        const { result, masterCpuPct } = await measuredRun(master, { master: master.url, tasks: latencyTasks, mode, rate, burstSeconds, frameworkName: `bench-latency-${mode}` });
        if (result.failed > 0 || result.timedOut) failedRuns++;
        console.log(`  # latency ${mode} at ${rate}/s: achieved ${fmt(result.launchRate)} launches/s; ${describe(result)}`);
        console.log(`  #   ${await allocationRuns(master)}`);
        const params = { agents, tasks: latencyTasks, mode, rate, burst_s: burstSeconds, allocation_interval: interval };
        const l = result.offerToRunningMs;
        add('e2e/OfferToRunning', params, { metric: 'p50_ms', value: l.p50, unit: 'ms', better: 'lower' });
        add('e2e/OfferToRunning', params, { metric: 'p99_ms', value: l.p99, unit: 'ms', target: 50, better: 'lower' });
        add('e2e/OfferToRunning', params, { metric: 'achieved_launches_per_s', value: result.launchRate, unit: 'tasks/s', better: 'higher' });
        add('e2e/OfferToRunning', params, { metric: 'master_cpu_pct', value: masterCpuPct, unit: '% of a core', better: 'lower' });
      }
      const stats = sim.stats();
      if (stats.disconnects > 0 || stats.badAcknowledgements > 0) {
        console.log(`  # agents: ${stats.disconnects} session(s) lost, ${stats.badAcknowledgements} unexpected acknowledgement(s), ${stats.failedCalls} failed call(s)`);
      }
      add('e2e/MasterMemory', { agents, after: 'runs' }, { metric: 'master_rss_mib', value: await settledRssMiB(master), unit: 'MiB', better: 'lower' });
      add('e2e/MasterMemory', { agents, after: 'runs' }, { metric: 'master_peak_rss_mib', value: master.peakRssKiB() / 1024, unit: 'MiB', better: 'lower' });
    } finally {
      await sim?.stop();
      await master.stop();
    }
  }

  // ---- phase 2: memory with SIM_AGENTS_LARGE agents, in a fresh master; then the polled endpoints -------------
  if (largeAgents > 0) {
    const stateProfileDir = process.env['SIM_STATE_PROFILE'];
    const big = await MasterProcess.start({ flags, logFile, ...(stateProfileDir === undefined ? {} : { cpuProfileDir: stateProfileDir }) });
    let largeSim: AgentSimulation | undefined;
    let filled: FilledCluster | undefined;
    try {
      const idleMiB = await settledRssMiB(big);
      // Tasks on these agents keep running until killed: the polled endpoints are measured with them in place.
      const started = await startAgents(big, largeAgents, resources, 'run');
      largeSim = started.sim;
      console.log(`# ${largeAgents} agents registered in ${started.seconds.toFixed(1)} s`);
      const rss = await settledRssMiB(big);
      add('e2e/MasterMemory', { agents: largeAgents }, { metric: 'master_rss_mib', value: rss, unit: 'MiB', better: 'lower' });
      add('e2e/MasterMemory', { agents: largeAgents }, { metric: 'master_rss_mib_per_10k_agents', value: ((rss - idleMiB) * 10_000) / largeAgents, unit: 'MiB', better: 'lower' });
      if (stateTasks > 0) {
        const t0 = performance.now();
        filled = await fillCluster({ master: big.url, tasks: stateTasks, perOffer: Math.max(1, Math.ceil(stateTasks / largeAgents)) });
        await filled.ready(180_000);
        console.log(`# ${stateTasks} tasks running on ${largeAgents} agents after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        await sleep(2000);
        await pollFigures(big, filled, { agents: largeAgents, tasks: stateTasks }, stateRequests, add);
        add('e2e/MasterMemory', { agents: largeAgents, tasks: stateTasks }, { metric: 'master_rss_mib', value: await settledRssMiB(big), unit: 'MiB', better: 'lower' });
      }
    } finally {
      await filled?.stop();
      await largeSim?.stop();
      await big.stop();
    }
  }

  // ---- report ---------------------------------------------------------------------------------------------------
  const header = ['scenario', 'params', 'metric', 'mesos-ts', 'target', 'anchors', 'unit', ''];
  console.log(`\n${header.join(' | ')}`);
  for (const { scenario, params, figure: f } of rows) {
    const paramsText = Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const goal = f.target === undefined ? '-' : `${f.better === 'higher' ? '>=' : '<='} ${fmt(f.target)}`;
    const anchors = [f.reference, ...(f.anchors ?? [])].filter((a) => a !== undefined).map((a) => `${fmt(a.value)} (${a.source})`);
    const verdict = f.target === undefined ? '' : (f.better === 'higher' ? f.value >= f.target : f.value <= f.target) ? 'met' : 'MISSED';
    console.log([scenario, paramsText, f.metric, fmt(f.value), goal, anchors.length === 0 ? '-' : anchors.join('; '), f.unit, verdict].join(' | '));
    if (jsonFile !== undefined) {
      const line = {
        scenario,
        ...params,
        metric: f.metric,
        value: f.value,
        unit: f.unit,
        ...(f.reference === undefined ? {} : { reference: f.reference.value, reference_source: f.reference.source }),
        ...(f.target === undefined ? {} : { target: f.target, better: f.better }),
      };
      appendFileSync(jsonFile, `${JSON.stringify(line)}\n`);
    }
  }
  if (profileDir !== undefined) console.log(`\n# master CPU profile in ${profileDir}: node tools/scripts/profile-top.mjs ${profileDir}/<file>.cpuprofile`);
  if (failedRuns > 0) {
    console.log(`\n${failedRuns} run(s) had failed or missing tasks (see the lines above and the master's log, ${logFile})`);
    process.exitCode = 1;
  } else if (!keepLog) {
    rmSync(logFile, { force: true });
  }
}

// Interrupted: exit, which kills the master processes (MasterProcess does on exit) rather than orphaning them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping`);
    process.exit(130);
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
