/** Runs the latency probe on a few containers per configuration and prints the figures (root only). */
import { measureLatency } from '../src/mesos-containerizer-bench';
import type { MesosContainerizerOptions } from '../src/mesos-containerizer';
import { cgroupsUsable, MesosHarness, scalar } from './mesos-support';

const suite = cgroupsUsable() ? describe : describe.skip;

suite('launch and destroy latency (real kernel)', () => {
  const shapes: Array<[string, MesosContainerizerOptions]> = [
    ['posix', { launcher: 'posix', isolation: ['posix/cpu', 'posix/mem'] }],
    ['cgroups', { launcher: 'posix', isolation: ['cgroups/cpu', 'cgroups/mem', 'cgroups/pids'] }],
    ['cgroups+namespaces', { launcher: 'linux', isolation: ['cgroups/cpu', 'cgroups/mem', 'namespaces/pid'] }],
  ];
  it.each(shapes)('%s', async (name, options) => {
    const h = new MesosHarness();
    try {
      const c = await h.containerizer(options);
      const report = await measureLatency(c, 10, (i) =>
        h.config({ value: 'sleep 100' }, { resources: [scalar('cpus', 0.1), scalar('mem', 32)], containerId: `bench-${name}-${i}` }),
      );
      console.log(`${name}: ${JSON.stringify(report)}`);
      expect(report.count).toBe(10);
      expect(report.launchP50).toBeGreaterThan(0);
    } finally {
      expect(await h.close()).toEqual([]);
    }
  }, 60_000);
});
