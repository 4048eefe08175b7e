/**
 * The Engine API's container stats (`GET /containers/{id}/stats?stream=false`) as Mesos's ResourceStatistics.
 * Engines differ in what they fill in (podman leaves out `memory_stats.stats` and per-mode CPU time on some
 * hosts; cgroup v1 and v2 name memory counters differently), so every field is read defensively and only what
 * the engine reported is set. Pure.
 */
import type { ResourceStatistics } from '@mesos-ts/proto';

/** Limits the containerizer set, reported as Mesos does (from the container's resources, not from the engine). */
export interface StatisticsLimits {
  readonly cpus?: number;
  readonly memLimitBytes?: bigint;
}

type Json = Record<string, unknown>;

const record = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;

const big = (value: unknown): bigint | undefined => {
  const n = count(value);
  return n === undefined ? undefined : BigInt(Math.trunc(n));
};

const NS_PER_SEC = 1e9;

/** Puts `value` at `key` only when it is defined (exactOptionalPropertyTypes forbids explicit undefined). */
function set<K extends keyof ResourceStatistics>(
  target: ResourceStatistics,
  key: K,
  value: ResourceStatistics[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}

/**
 * Maps a stats document to ResourceStatistics taken at `nowMs` (epoch milliseconds). CPU times come from the
 * per-mode counters (nanoseconds); memory from `usage` and, where the engine gives them, the cgroup's counters
 * (v1 `rss`/`cache`/`mapped_file`, v2 `anon`/`file`/`file_mapped`); network counters are summed over interfaces.
 */
export function toResourceStatistics(stats: unknown, limits: StatisticsLimits, nowMs: number): ResourceStatistics {
  const doc = record(stats) ?? {};
  const result: ResourceStatistics = { timestamp: nowMs / 1000 };

  const cpu = record(doc.cpu_stats);
  const usage = record(cpu?.cpu_usage);
  const user = count(usage?.usage_in_usermode);
  const system = count(usage?.usage_in_kernelmode);
  set(result, 'cpusUserTimeSecs', user === undefined ? undefined : user / NS_PER_SEC);
  set(result, 'cpusSystemTimeSecs', system === undefined ? undefined : system / NS_PER_SEC);
  const throttling = record(cpu?.throttling_data);
  set(result, 'cpusNrPeriods', count(throttling?.periods));
  set(result, 'cpusNrThrottled', count(throttling?.throttled_periods));
  const throttled = count(throttling?.throttled_time);
  set(result, 'cpusThrottledTimeSecs', throttled === undefined ? undefined : throttled / NS_PER_SEC);
  set(result, 'cpusLimit', limits.cpus);

  const memory = record(doc.memory_stats);
  set(result, 'memTotalBytes', big(memory?.usage));
  const counters = record(memory?.stats);
  set(result, 'memRssBytes', big(counters?.total_rss ?? counters?.rss ?? counters?.anon));
  set(result, 'memAnonBytes', big(counters?.anon));
  set(result, 'memCacheBytes', big(counters?.total_cache ?? counters?.cache ?? counters?.file));
  set(result, 'memMappedFileBytes', big(counters?.total_mapped_file ?? counters?.mapped_file ?? counters?.file_mapped));
  set(result, 'memUnevictableBytes', big(counters?.total_unevictable ?? counters?.unevictable));
  set(result, 'memSwapBytes', big(counters?.swap));
  // The limit set from the resources, as Mesos reports it; the engine's figure (the host's RAM when unlimited)
  // only when we set none.
  set(result, 'memLimitBytes', limits.memLimitBytes ?? big(memory?.limit));

  const pids = record(doc.pids_stats);
  set(result, 'processes', count(pids?.current));

  const networks = record(doc.networks);
  if (networks && Object.keys(networks).length > 0) {
    const sum = (field: string): bigint =>
      Object.values(networks).reduce<bigint>((total, nic) => total + (big(record(nic)?.[field]) ?? 0n), 0n);
    result.netRxPackets = sum('rx_packets');
    result.netRxBytes = sum('rx_bytes');
    result.netRxErrors = sum('rx_errors');
    result.netRxDropped = sum('rx_dropped');
    result.netTxPackets = sum('tx_packets');
    result.netTxBytes = sum('tx_bytes');
    result.netTxErrors = sum('tx_errors');
    result.netTxDropped = sum('tx_dropped');
  }
  return result;
}
