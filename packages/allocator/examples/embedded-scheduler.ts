// A scheduler of its own that embeds the allocator: three machines, two teams
// with weights 2:1, a task queue per team. Run: npx tsx examples/embedded-scheduler.ts
import { HierarchicalAllocator, type OfferMap } from '@mesos-ts/allocator';
import { FakeClock, agentInfo, frameworkInfo } from '@mesos-ts/allocator/testing';
import { Resources } from '@mesos-ts/resources';

const clock = new FakeClock();
const task = Resources.mustParse('cpus:1;mem:256');
const queues = new Map([['web', 20], ['batch', 20]]); // tasks waiting per framework
const running = new Map<string, number>([['web', 0], ['batch', 0]]);

const allocator = new HierarchicalAllocator({
  clock,
  offerCallback: (frameworkId: string, offers: OfferMap) => {
    for (const [role, byAgent] of offers) {
      for (const [agentId, offered] of byAgent) {
        let left = offered.unallocate();
        while ((queues.get(frameworkId) ?? 0) > 0 && left.contains(task)) {
          left = left.minus(task); // "launch" one task: it keeps its resources
          queues.set(frameworkId, (queues.get(frameworkId) ?? 0) - 1);
          running.set(frameworkId, (running.get(frameworkId) ?? 0) + 1);
        }
        // Decline the rest for 5 s (the default filter), as a scheduler would.
        allocator.recoverResources(frameworkId, agentId, left.allocate(role), { refuseSeconds: 5 });
      }
    }
  },
});

for (const host of ['m1', 'm2', 'm3']) allocator.addAgent(host, agentInfo(host), Resources.mustParse('cpus:4;mem:4096'));
allocator.updateWeights([['web', 2], ['batch', 1]]);
allocator.addFramework('web', frameworkInfo(['web']));
allocator.addFramework('batch', frameworkInfo(['batch']));

for (let second = 0; second < 10; second++, clock.advance(1000)) allocator.allocate();
console.log('running tasks:', JSON.stringify(Object.fromEntries(running))); // {"web":8,"batch":4}: weights 2:1
console.log(allocator.explain('batch').summary.join('\n'));
