import { allocator, master, parseMesosJson, type MachineID, type maintenance } from '@mesos-ts/proto';
import { formatDurationNanos, parseDurationNanos } from '@mesos-ts/flags';
import { formatTable, formatTime } from '../output/table';
import type { CliCommand } from './command';
import { agentIdOf, defineAction, defineGroup, jsonOption, masterOption, resolveAgent, type MasterFlags } from './shared';

interface DrainFlags extends MasterFlags {
  readonly gracePeriod?: string;
  readonly markGone?: boolean;
}

/**
 * Parses `HOST`, `HOST/IP` or `/IP` (a Mesos MachineID: a hostname, an IP, or both).
 * @returns the machine, or a message naming the bad argument.
 */
export function parseMachine(text: string): { ok: true; machine: MachineID } | { ok: false; message: string } {
  const slash = text.indexOf('/');
  const hostname = (slash < 0 ? text : text.slice(0, slash)).trim();
  const ip = slash < 0 ? '' : text.slice(slash + 1).trim();
  if (hostname === '' && ip === '') return { ok: false, message: `machine '${text}' has neither a hostname nor an IP (HOST, HOST/IP or /IP)` };
  if (ip !== '' && !/^[0-9.]+$|^[0-9a-fA-F:]+$/.test(ip)) return { ok: false, message: `machine '${text}': '${ip}' is not an IP address` };
  return { ok: true, machine: { ...(hostname !== '' ? { hostname } : {}), ...(ip !== '' ? { ip } : {}) } };
}

/** Parses every machine argument, or fails on the first bad one. */
export function parseMachines(args: readonly string[]): { ok: true; machines: MachineID[] } | { ok: false; message: string } {
  const machines: MachineID[] = [];
  for (const arg of args) {
    const parsed = parseMachine(arg);
    if (!parsed.ok) return parsed;
    machines.push(parsed.machine);
  }
  return { ok: true, machines };
}

/** `host/ip`, `host` or `/ip`. */
export function machineText(machine: MachineID | undefined): string {
  if (machine === undefined) return '?';
  return machine.ip !== undefined && machine.ip !== '' ? `${machine.hostname ?? ''}/${machine.ip}` : (machine.hostname ?? '');
}

/** The rows of `mesos maintenance schedule`: one per window, its machines, start and duration. */
export function scheduleRows(schedule: maintenance.Schedule | undefined): string[][] {
  return (schedule?.windows ?? []).map((w) => {
    const start = w.unavailability?.start?.nanoseconds;
    const duration = w.unavailability?.duration?.nanoseconds;
    return [(w.machineIds ?? []).map(machineText).join(', '), formatTime(start === undefined ? undefined : Number(start) / 1e9), duration === undefined ? 'forever' : formatDurationNanos(duration)];
  });
}

/** The rows of `mesos maintenance status`: draining machines with their frameworks' answers, then down ones. */
export function statusRows(status: maintenance.ClusterStatus | undefined): string[][] {
  const answers = (statuses: readonly allocator.InverseOfferStatus[] | undefined): string =>
    (statuses ?? []).map((s) => `${s.frameworkId?.value ?? '?'}:${allocator.InverseOfferStatus_Status[s.status ?? allocator.InverseOfferStatus_Status.UNKNOWN] ?? '?'}`).join(', ') || '-';
  return [...(status?.drainingMachines ?? []).map((m) => [machineText(m.id), 'DRAINING', answers(m.statuses)]), ...(status?.downMachines ?? []).map((m) => [machineText(m), 'DOWN', '-'])];
}

/** `mesos maintenance schedule|drain|down|up|status|deactivate|reactivate`. */
export const maintenanceCommand: CliCommand = {
  name: 'maintenance',
  register(program, context, done) {
    const group = defineGroup(program, 'maintenance', 'Maintenance: schedules, draining, machines down and up');

    // `schedule` alone shows the schedule; `schedule set FILE` replaces it.
    const schedule = group.command('schedule').helpCommand(false).description('Show (get, the default) or replace (set FILE) the maintenance schedule');
    const get = schedule.command('get', { isDefault: true }).description('Show the maintenance schedule').addOption(masterOption()).addOption(jsonOption());
    defineAction<MasterFlags>(get, context, done, async ({ client, options, out, json }) => {
      const answer = await client.call({ type: master.Call_Type.GET_MAINTENANCE_SCHEDULE });
      if (options.json === true) return json(answer.json);
      out(formatTable(['MACHINES', 'START', 'DURATION'], scheduleRows(answer.response.getMaintenanceSchedule?.schedule)));
    });
    const set = schedule
      .command('set')
      .description('Replace the maintenance schedule with the one in FILE (UPDATE_MAINTENANCE_SCHEDULE)')
      .argument('<file>', "A mesos.v1.maintenance.Schedule in JSON, as 'schedule get --json' prints it under schedule")
      .addOption(masterOption())
      .addHelpText('after', '\nExample file:\n  {"windows": [{"machine_ids": [{"hostname": "node-1", "ip": "10.0.0.1"}],\n                "unavailability": {"start": {"nanoseconds": 1735689600000000000},\n                                   "duration": {"nanoseconds": 3600000000000}}}]}');
    defineAction<MasterFlags>(set, context, done, async ({ client, args, out, usage }) => {
      const file = String(args[0]);
      let text: string;
      try {
        text = context.readFile(file);
      } catch (error) {
        return usage(`cannot read '${file}': ${error instanceof Error ? error.message : String(error)}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        return usage(`'${file}' is not JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      // Accept the schedule itself or GET_MAINTENANCE_SCHEDULE's answer around it.
      const body = (json as { get_maintenance_schedule?: { schedule?: unknown } } | null)?.get_maintenance_schedule?.schedule ?? json;
      const parsed = parseMesosJson('mesos.v1.maintenance.Schedule', JSON.stringify(body));
      if (!parsed.ok) return usage(`'${file}': ${parsed.error.message}`);
      await client.call({ type: master.Call_Type.UPDATE_MAINTENANCE_SCHEDULE, updateMaintenanceSchedule: { schedule: parsed.value } });
      const windows = parsed.value.windows?.length ?? 0;
      out(`Updated the maintenance schedule: ${windows} window${windows === 1 ? '' : 's'}\n`);
    });

    const status = group.command('status').description('Show draining and down machines, with the frameworks\' answers to inverse offers').addOption(masterOption()).addOption(jsonOption());
    defineAction<MasterFlags>(status, context, done, async ({ client, options, out, json }) => {
      const answer = await client.call({ type: master.Call_Type.GET_MAINTENANCE_STATUS });
      if (options.json === true) return json(answer.json);
      out(formatTable(['MACHINE', 'MODE', 'INVERSE_OFFERS'], statusRows(answer.response.getMaintenanceStatus?.status)));
    });

    const drain = group
      .command('drain')
      .description('Drain an agent (DRAIN_AGENT): no more offers, every task killed; it stays drained until reactivated')
      .argument('<agent>', 'Agent ID or hostname')
      .option('--grace-period <duration>', "Cap on each task's kill grace period, e.g. 30secs, 1mins (Mesos durations; 30s works too)")
      .option('--mark-gone', 'Once drained, mark the agent gone for good')
      .addOption(masterOption());
    defineAction<DrainFlags>(drain, context, done, async ({ client, args, options, out, usage }) => {
      let maxGracePeriod: { seconds: bigint; nanos: number } | undefined;
      if (options.gracePeriod !== undefined) {
        // `30s` is what people type; Mesos spells it `30secs`.
        const text = options.gracePeriod.replace(/^([0-9.]+)s$/, '$1secs').replace(/^([0-9.]+)m$/, '$1mins').replace(/^([0-9.]+)h$/, '$1hrs');
        const nanos = parseDurationNanos(text);
        if (!nanos.ok) return usage(`--grace-period '${options.gracePeriod}': ${nanos.error.message}`);
        maxGracePeriod = { seconds: nanos.value / 1_000_000_000n, nanos: Number(nanos.value % 1_000_000_000n) };
      }
      const agent = await resolveAgent(client, String(args[0]));
      const drainAgent: master.Call_DrainAgent = { agentId: { value: agentIdOf(agent) }, markGone: options.markGone === true, ...(maxGracePeriod !== undefined ? { maxGracePeriod } : {}) };
      await client.call({ type: master.Call_Type.DRAIN_AGENT, drainAgent });
      out(`Draining agent ${agentIdOf(agent)}${options.markGone === true ? ' (it will be marked gone once drained)' : ''}\n`);
    });

    for (const [name, type, verb, description] of [
      ['down', master.Call_Type.START_MAINTENANCE, 'down', 'Take machines down (START_MAINTENANCE): their agents are removed and their tasks killed'],
      ['up', master.Call_Type.STOP_MAINTENANCE, 'up', 'Bring machines back up (STOP_MAINTENANCE) and drop them from the schedule'],
    ] as const) {
      const command = group.command(name).description(description).argument('<machine...>', 'HOST, HOST/IP or /IP, as in the schedule').addOption(masterOption());
      defineAction<MasterFlags>(command, context, done, async ({ client, args, out, usage }) => {
        const parsed = parseMachines((args[0] as string[] | undefined) ?? []);
        if (!parsed.ok) return usage(parsed.message);
        await client.call(type === master.Call_Type.START_MAINTENANCE ? { type, startMaintenance: { machines: parsed.machines } } : { type, stopMaintenance: { machines: parsed.machines } });
        out(`Machine${parsed.machines.length === 1 ? '' : 's'} ${parsed.machines.map(machineText).join(', ')} ${parsed.machines.length === 1 ? 'is' : 'are'} ${verb}\n`);
      });
    }

    for (const [name, description] of [
      ['deactivate', 'Stop offering an agent\'s resources (DEACTIVATE_AGENT); its tasks keep running'],
      ['reactivate', 'Resume offers for a deactivated or drained agent (REACTIVATE_AGENT)'],
    ] as const) {
      const command = group.command(name).description(description).argument('<agent>', 'Agent ID or hostname').addOption(masterOption());
      defineAction<MasterFlags>(command, context, done, async ({ client, args, out }) => {
        const agent = await resolveAgent(client, String(args[0]));
        const agentId = { value: agentIdOf(agent) };
        await client.call(name === 'deactivate' ? { type: master.Call_Type.DEACTIVATE_AGENT, deactivateAgent: { agentId } } : { type: master.Call_Type.REACTIVATE_AGENT, reactivateAgent: { agentId } });
        out(`${name === 'deactivate' ? 'Deactivated' : 'Reactivated'} agent ${agentId.value}\n`);
      });
    }
    return group;
  },
};
