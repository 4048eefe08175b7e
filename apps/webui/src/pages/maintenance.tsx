/** Maintenance: the schedule's windows and the machines draining or down, with frameworks' inverse offer answers. */
import { ErrorNote, Heading, Loading, Table } from '../components/common';
import { formatDurationNs, formatTimeInfo } from '../format';
import { useFetched } from '../fetched';
import type { Snapshot } from '../state/store';
import type { TimeInfo } from '../state/types';

interface MachineId {
  readonly hostname?: string;
  readonly ip?: string;
}
interface Schedule {
  readonly windows?: readonly { readonly machine_ids?: readonly MachineId[]; readonly unavailability?: { readonly start?: TimeInfo; readonly duration?: { readonly nanoseconds?: number | string } } }[];
}
interface Status {
  readonly draining_machines?: readonly { readonly id?: MachineId; readonly statuses?: readonly { readonly framework_id?: { readonly value?: string }; readonly status?: string }[] }[];
  readonly down_machines?: readonly MachineId[];
}

function machine(id: MachineId | undefined): string {
  if (id === undefined) return '?';
  return [id.hostname, id.ip].filter((x) => x !== undefined && x !== '').join(' / ') || '?';
}

export function MaintenancePage(props: { readonly snapshot: Snapshot }) {
  const schedule = useFetched<Schedule>('/master/maintenance/schedule', props.snapshot.revision);
  const status = useFetched<Status>('/master/maintenance/status', props.snapshot.revision);
  const windows = schedule.kind === 'ok' ? (schedule.value.windows ?? []) : [];
  const draining = status.kind === 'ok' ? (status.value.draining_machines ?? []) : [];
  const down = status.kind === 'ok' ? (status.value.down_machines ?? []) : [];
  return (
    <div class="page" id="maintenance">
      <Heading title="Maintenance" />
      <h2>Schedule</h2>
      {schedule.kind === 'loading' ? <Loading /> : null}
      {schedule.kind === 'error' ? <ErrorNote error={schedule.error} /> : null}
      {schedule.kind === 'ok' ? (
        <Table id="maintenance-windows" head={['Machines', 'Starts', 'Duration']} rows={windows.length} empty="No maintenance is scheduled.">
          {windows.map((w, i) => (
            <tr key={i}>
              <td>{(w.machine_ids ?? []).map(machine).join(', ')}</td>
              <td class="nowrap">{formatTimeInfo(w.unavailability?.start)}</td>
              <td>{w.unavailability?.duration === undefined ? 'indefinite' : formatDurationNs(w.unavailability.duration.nanoseconds)}</td>
            </tr>
          ))}
        </Table>
      ) : null}
      <h2>Status</h2>
      {status.kind === 'loading' ? <Loading /> : null}
      {status.kind === 'error' ? <ErrorNote error={status.error} /> : null}
      {status.kind === 'ok' ? (
        <Table id="maintenance-status" head={['Machine', 'Mode', 'Framework answers']} rows={draining.length + down.length} empty="No machine is draining or down.">
          {draining.map((m) => (
            <tr key={`draining-${machine(m.id)}`}>
              <td>{machine(m.id)}</td>
              <td>
                <span class="badge pending">DRAINING</span>
              </td>
              <td>{(m.statuses ?? []).map((s) => `${s.framework_id?.value ?? '?'}: ${s.status ?? '?'}`).join('; ') || 'none yet'}</td>
            </tr>
          ))}
          {down.map((m) => (
            <tr key={`down-${machine(m)}`}>
              <td>{machine(m)}</td>
              <td>
                <span class="badge failed">DOWN</span>
              </td>
              <td>—</td>
            </tr>
          ))}
        </Table>
      ) : null}
    </div>
  );
}
