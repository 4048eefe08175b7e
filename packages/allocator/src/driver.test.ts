import { setTimeout as sleep } from 'node:timers/promises';
import { AllocatorDriver } from './driver';
import { agentInfo, frameworkInfo, r } from './testing';
import type { OfferMap } from './types';

describe('AllocatorDriver', () => {
  it('batches event-triggered runs and runs periodically', async () => {
    const offers: Array<[string, OfferMap]> = [];
    const runs: number[] = [];
    const driver = new AllocatorDriver({
      allocationIntervalMs: 50,
      offerCallback: (fw, o) => offers.push([fw, o]),
      onRun: (stats) => runs.push(stats.agents),
    });
    driver.start();
    try {
      const a = driver.allocator;
      // Many events in one tick: one batched run.
      for (let i = 0; i < 20; i++) a.addAgent(`agent${i}`, agentInfo(`h${i}`), r('cpus:1;mem:512'));
      a.addFramework('fw1', frameworkInfo(['role1']));
      await sleep(5);
      expect(runs).toEqual([20]);
      expect(offers).toHaveLength(1);
      const offered = offers[0]?.[1].get('role1');
      expect(offered?.size).toBe(20);

      // Declined resources come back on the periodic run once the filter has expired.
      for (const [agentId, res] of offered ?? []) a.recoverResources('fw1', agentId, res, { refuseSeconds: 0 });
      await sleep(120);
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(offers.length).toBeGreaterThanOrEqual(2);
      expect(driver.timings().count).toBe(runs.length);
    } finally {
      driver.stop();
    }
  });

  it('does nothing while the allocator is paused, and stops cleanly', async () => {
    const runs: number[] = [];
    const driver = new AllocatorDriver({ allocationIntervalMs: 10, offerCallback: () => undefined, onRun: (s) => runs.push(s.offers) });
    driver.allocator.pause();
    driver.start();
    driver.allocator.addAgent('a', agentInfo('h'), r('cpus:1;mem:512'));
    await sleep(40);
    expect(runs).toEqual([]);
    driver.stop();
    driver.allocator.resume();
    await sleep(30);
    expect(runs).toEqual([]);
  });
});
