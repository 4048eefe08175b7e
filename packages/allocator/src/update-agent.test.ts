import { HierarchicalAllocator } from './hierarchical';
import { FakeClock, OfferRecorder, agentInfo, frameworkInfo, r, seededRandom } from './testing';
import { Value_Type } from '@mesos-ts/proto';

describe('updateAgent with attributes of every value type', () => {
  it('compares attributes as a set (ranges hold bigints) and drops filters only when they change', () => {
    const clock = new FakeClock();
    const rec = new OfferRecorder();
    const a = new HierarchicalAllocator({ clock, offerCallback: rec.offerCallback, random: seededRandom(1) });
    const rack = { name: 'rack', type: Value_Type.TEXT, text: { value: 'r1' } };
    const ports = { name: 'ports', type: Value_Type.RANGES, ranges: { range: [{ begin: 1n, end: 9n }] } };
    a.addAgent('agent', agentInfo('host', [rack, ports]), r('cpus:1;mem:512'));
    a.addFramework('fw', frameworkInfo(['role']));
    a.allocate();
    const [offer] = rec.take();
    a.recoverResources('fw', 'agent', offer!.resources, { refuseSeconds: 100 });
    clock.advance(1000);

    // Same attributes, other order: the filter stays.
    a.updateAgent('agent', { info: agentInfo('host', [ports, rack]) });
    expect(a.allocate().offers).toBe(0);

    // A changed attribute: filters on the agent go, and the framework is offered again.
    a.updateAgent('agent', { info: agentInfo('host', [ports, { ...rack, text: { value: 'r2' } }]) });
    expect(a.allocate().offers).toBe(1);
  });
});
