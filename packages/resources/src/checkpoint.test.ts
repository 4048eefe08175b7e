import { Resource_ReservationInfo_Type, Value_Type, Volume_Mode } from '@mesos-ts/proto';
import { Resources } from './resources';
import { applyCheckpointed, checkpointedOf } from './checkpoint';

function parse(text: string): Resources {
  const parsed = Resources.parse(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

describe('checkpointed resources', () => {
  const volume = Resources.fromProto([
    {
      name: 'disk',
      type: Value_Type.SCALAR,
      scalar: { value: 64 },
      reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'eng' }],
      disk: { persistence: { id: 'v1' }, volume: { containerPath: 'data', mode: Volume_Mode.RW } },
    },
  ]);

  it('keeps dynamic reservations and persistent volumes only', () => {
    if (!volume.ok) throw volume.error;
    const reservedCpus = Resources.fromProto([{ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 1 }, reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'eng' }] }]);
    if (!reservedCpus.ok) throw reservedCpus.error;
    const total = parse('cpus:3;mem:512;disk:192').plus(reservedCpus.value).plus(volume.value);
    expect(checkpointedOf(total).equals(reservedCpus.value.plus(volume.value))).toBe(true);
  });

  it('lays them over the configured resources, and names one that does not fit', () => {
    if (!volume.ok) throw volume.error;
    const applied = applyCheckpointed(parse('cpus:4;disk:256'), volume.value);
    expect(applied.ok && applied.value.equals(parse('cpus:4;disk:192').plus(volume.value))).toBe(true);
    const tooBig = applyCheckpointed(parse('cpus:4;disk:32'), volume.value);
    expect(tooBig.ok ? 'applied' : tooBig.error.message).toMatch(/^Incompatible agent resources: .* does not contain disk/);
    const unreserved = applyCheckpointed(parse('cpus:4'), parse('cpus:1'));
    expect(unreserved.ok ? 'applied' : unreserved.error.message).toBe('Unexpected checkpointed resources cpus:1');
  });
});
