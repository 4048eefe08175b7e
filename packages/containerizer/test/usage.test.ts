import { PosixContainerizer } from '../src/posix-containerizer';
import { Harness, eventually, liveMembers, scalar } from './support';

describe('PosixContainerizer usage from /proc (real processes)', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness(new PosixContainerizer({ now: () => 1_700_000_000_500 }));
  });
  afterEach(() => h.close());

  it('reports cpu time, rss, processes and the limits of a busy container', async () => {
    const config = await h.config(
      { value: 'while :; do :; done' },
      { resources: [scalar('cpus', 0.25), scalar('cpus', 0.25), scalar('mem', 64), scalar('disk', 100)] },
    );
    await h.launch(config);
    // Clock ticks are 10 ms: spin until at least a few have been charged.
    let usage = await h.containerizer.usage(config.containerId);
    await eventually(async () => {
      usage = await h.containerizer.usage(config.containerId);
      return usage.ok && (usage.value.cpusUserTimeSecs ?? 0) + (usage.value.cpusSystemTimeSecs ?? 0) >= 0.05;
    });
    if (!usage.ok) throw usage.error;
    const stats = usage.value;
    expect(stats.timestamp).toBe(1_700_000_000.5);
    expect(stats.processes).toBe(1);
    expect(stats.threads).toBe(1);
    expect(stats.cpusUserTimeSecs).toBeGreaterThan(0);
    expect(stats.cpusSystemTimeSecs).toBeGreaterThanOrEqual(0);
    expect(stats.memRssBytes).toBeGreaterThan(0n);
    expect(stats.cpusLimit).toBe(0.5);
    expect(stats.memLimitBytes).toBe(64n * 1024n * 1024n);
  });

  it('counts every process of the container and leaves limits out without resources', async () => {
    const config = await h.config({ value: 'sleep 100 & sleep 100 & wait' });
    const pid = await h.launch(config);
    await eventually(async () => (await liveMembers(pid)).length === 3);
    const usage = await h.containerizer.usage(config.containerId);
    if (!usage.ok) throw usage.error;
    expect(usage.value.processes).toBe(3);
    expect(usage.value.threads).toBe(3);
    expect(usage.value).not.toHaveProperty('cpusLimit');
    expect(usage.value).not.toHaveProperty('memLimitBytes');
  });

  it('answers NOT_FOUND once the container has ended', async () => {
    const config = await h.config({ value: 'true' });
    await h.launch(config);
    await h.containerizer.wait(config.containerId);
    const usage = await h.containerizer.usage(config.containerId);
    expect(!usage.ok && usage.error.code).toBe('NOT_FOUND');
  });
});
