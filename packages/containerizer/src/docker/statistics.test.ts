import { toResourceStatistics } from './statistics';

// Trimmed from podman 4.3's answer on a cgroup v1 host (see the Docker containerizer tests).
const PODMAN_V1 = {
  pids_stats: { current: 2 },
  cpu_stats: {
    cpu_usage: { total_usage: 4768840, usage_in_kernelmode: 4000000, usage_in_usermode: 768840 },
    throttling_data: { periods: 10, throttled_periods: 4, throttled_time: 250000000 },
  },
  memory_stats: { usage: 499712, limit: 67108864 },
  networks: {
    network: {
      rx_bytes: 10,
      rx_packets: 1,
      rx_errors: 0,
      rx_dropped: 0,
      tx_bytes: 20,
      tx_packets: 2,
      tx_errors: 0,
      tx_dropped: 0,
    },
  },
};

describe('toResourceStatistics', () => {
  test('maps CPU, memory, processes and network counters', () => {
    const stats = toResourceStatistics(PODMAN_V1, { cpus: 0.5, memLimitBytes: 64n << 20n }, 1_700_000_000_500);
    expect(stats).toEqual({
      timestamp: 1_700_000_000.5,
      cpusUserTimeSecs: 0.00076884,
      cpusSystemTimeSecs: 0.004,
      cpusNrPeriods: 10,
      cpusNrThrottled: 4,
      cpusThrottledTimeSecs: 0.25,
      cpusLimit: 0.5,
      memTotalBytes: 499712n,
      memLimitBytes: 64n << 20n,
      processes: 2,
      netRxPackets: 1n,
      netRxBytes: 10n,
      netRxErrors: 0n,
      netRxDropped: 0n,
      netTxPackets: 2n,
      netTxBytes: 20n,
      netTxErrors: 0n,
      netTxDropped: 0n,
    });
  });

  test('reads cgroup v1 and v2 memory counters where the engine gives them', () => {
    const v1 = toResourceStatistics(
      { memory_stats: { usage: 100, stats: { total_rss: 60, total_cache: 30, total_mapped_file: 5 } } },
      {},
      0,
    );
    expect(v1).toMatchObject({ memRssBytes: 60n, memCacheBytes: 30n, memMappedFileBytes: 5n });
    const v2 = toResourceStatistics(
      { memory_stats: { usage: 100, limit: 4096, stats: { anon: 70, file: 20, file_mapped: 3 } } },
      {},
      0,
    );
    expect(v2).toMatchObject({
      memRssBytes: 70n,
      memAnonBytes: 70n,
      memCacheBytes: 20n,
      memMappedFileBytes: 3n,
      memLimitBytes: 4096n,
    });
  });

  test('ignores what is missing or malformed', () => {
    expect(
      toResourceStatistics({ cpu_stats: { cpu_usage: { usage_in_usermode: 'x' } }, memory_stats: null }, {}, 1000),
    ).toEqual({ timestamp: 1 });
    expect(toResourceStatistics(undefined, {}, 0)).toEqual({ timestamp: 0 });
  });
});
