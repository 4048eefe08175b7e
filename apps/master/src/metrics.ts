/**
 * The master's metrics, under Mesos's names: the allocator's (`allocator/mesos/...`), its run timings, and the
 * master's own (`master/...`, state.ts). `/metrics/snapshot`, the operator API's GET_METRICS and the Prometheus
 * endpoint all read {@link snapshotOf}.
 */
import type { AllocatorDriver } from '@mesos-ts/allocator/driver';
import type { MasterCore } from './core';
import { masterMetrics } from './state';
import { nowSeconds } from './status';

/** The `/metrics/snapshot` body: the allocator's metrics, its run timings and the master's own. */
export function metricsSnapshot(driver: AllocatorDriver, uptimeSecs: number, master: Record<string, number> = {}): Record<string, number> {
  const out: Record<string, number> = { ...master };
  for (const [name, value] of driver.allocator.metrics()) out[name] = value;
  const timings = driver.timings();
  if (timings.count > 0) {
    // Mesos's `Timer` metric layout: the statistics of a window of recent values.
    const base = 'allocator/mesos/allocation_run_ms';
    out[`${base}/count`] = timings.count;
    out[`${base}/min`] = timings.min;
    out[`${base}/max`] = timings.max;
    out[`${base}/p50`] = timings.p50;
    out[`${base}/p90`] = timings.p90;
    out[`${base}/p99`] = timings.p99;
  }
  out['master/elected'] = 1;
  out['master/uptime_secs'] = uptimeSecs;
  return out;
}

/** Every metric of a running master, name -> value. */
export function snapshotOf(core: MasterCore): Record<string, number> {
  return metricsSnapshot(core.driver, nowSeconds() - core.startTime, masterMetrics(core));
}
