/**
 * @mesos-ts/sim: simulated agents over the real master-agent protocol, and the end-to-end benchmark built on
 * them.
 *
 * - {@link simulateAgents}: N agents in one process, each a real session (MasterLink from @mesos-ts/agent) with
 *   an {@link InstantExecutor} (tasks run and finish at once, status updates made reliable by the agent's own
 *   status update manager).
 * - {@link runBenchScheduler}: a framework on @mesos-ts/client that launches N tasks (batched or one per
 *   ACCEPT, optionally paced) and measures tasks/s and offer-to-RUNNING latency.
 * - {@link MasterProcess}: a real `mesos-master` process with its RSS and CPU read from /proc.
 *
 * `npm run bench:e2e` (src/bench.ts) puts them together.
 */
export { simulateAgents, DEFAULT_SIM_RESOURCES, type AgentSimulation, type SimulationOptions, type SimulationStats } from './simulator';
export { SimulatedAgent, type SimulatedAgentOptions } from './simulated-agent';
export { InstantExecutor, uuidBytes, type ExecutorCounters, type InstantExecutorOptions, type TaskBehaviour } from './instant-executor';
export { runBenchSchedulerInWorker, type WorkerBenchRunOptions } from './bench-worker';
export { runBenchScheduler, LAUNCH_MODES, type BenchRunOptions, type BenchRunResult, type LaunchMode } from './bench-scheduler';
export { fillCluster, type FillOptions, type FilledCluster } from './fill-scheduler';
export { MasterProcess, MASTER_BIN, REPO_ROOT, procStatusKiB, type MasterProcessOptions } from './master-process';
export { TokenBucket, percentiles, type Percentiles } from './stats';
export { CallPoster, type CallPosterOptions, type PostResponse } from './call-poster';
export { SplitDispatcher, type SplitDispatcherOptions } from './split-dispatcher';
