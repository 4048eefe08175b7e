/**
 * What the master knows about maintenance, as Mesos 1.11's master keeps it (src/master/master.hpp: `machines`,
 * `maintenance.schedules`, `slaves.draining`, `slaves.deactivated`, `slaves.gone`, `inverseOffers`): machines and
 * their modes, the one maintenance schedule, agents being drained or deactivated by the operator, agents marked
 * gone, and the outstanding inverse offers. Plain data and pure checks; the behaviour is in maintenance.ts,
 * inverse-offers.ts and drain.ts.
 *
 * Drain, deactivation and gone are kept by agent ID, apart from the `Agent` records, because they outlive them: an
 * agent marked unreachable keeps being drained or deactivated when it comes back, and a gone agent is never
 * re-admitted. `Agent.drain` / `Agent.deactivated` mirror these entries for the agents that are registered.
 */
import { isIPv4 } from 'node:net';
import { MachineInfo_Mode, type DrainConfig, type DrainState, type MachineID, type Unavailability, type maintenance } from '@mesos-ts/proto';

/** A machine the master tracks: every machine in the schedule, and machines brought DOWN. */
export interface Machine {
  readonly id: MachineID;
  mode: MachineInfo_Mode;
  /** The window the machine is in (DRAINING, or DOWN and still scheduled). */
  unavailability: Unavailability | undefined;
}

/** An agent being drained: Mesos's `DrainInfo`. */
export interface AgentDrain {
  state: DrainState;
  readonly config: DrainConfig;
}

/** An inverse offer sent and not yet answered, rescinded or timed out. */
export interface OutstandingInverseOffer {
  readonly id: string;
  readonly frameworkId: string;
  readonly agentId: string;
  readonly unavailability: Unavailability;
  timer: { cancel(): void } | undefined;
}

/**
 * The key two MachineIDs are equal under, as Mesos compares them: both fields must be set alike, the hostname
 * compared without case. A machine given by hostname only never matches an agent (whose ID has both).
 */
export function machineKey(id: MachineID): string {
  const host = id.hostname === undefined ? '-' : `+${id.hostname.toLowerCase()}`;
  const ip = id.ip === undefined ? '-' : `+${id.ip}`;
  return `${host}\u0000${ip}`;
}

/** The machine an agent runs on: its hostname and the IP of its pid (Mesos's `Slave::machineId`). */
export function agentMachineId(agent: { readonly info: { readonly hostname?: string | undefined }; readonly ip: string }): MachineID {
  return { hostname: agent.info.hostname ?? '', ip: agent.ip };
}

/** `{"hostname":"h","ip":"1.2.3.4"}`, as Mesos prints a MachineID in its messages. */
export function machineText(id: MachineID): string {
  const fields: Record<string, string> = {};
  if (id.hostname !== undefined) fields['hostname'] = id.hostname;
  if (id.ip !== undefined) fields['ip'] = id.ip;
  return JSON.stringify(fields);
}

/** Mesos's `maintenance::validation::machine`: at least one field, and a well-formed IPv4 address. */
export function machineError(id: MachineID): string | undefined {
  if ((id.hostname ?? '') === '' && (id.ip ?? '') === '') return "Both 'hostname' and 'ip' for a machine are empty";
  if ((id.ip ?? '') !== '' && !isIPv4(id.ip!)) return `Failed to parse IP '${id.ip}': not a valid IPv4 address`;
  return undefined;
}

/** Mesos's `maintenance::validation::machines`: a non-empty list of valid, distinct machines. */
export function machinesError(ids: readonly MachineID[]): string | undefined {
  if (ids.length === 0) return 'List of machines is empty';
  const seen = new Set<string>();
  for (const id of ids) {
    const error = machineError(id);
    if (error !== undefined) return error;
    const key = machineKey(id);
    if (seen.has(key)) return `Machine '${machineText(id)}' appears more than once in the schedule`;
    seen.add(key);
  }
  return undefined;
}

/** Mesos's `maintenance::validation::unavailability`: the duration must not be negative. */
export function unavailabilityError(unavailability: Unavailability | undefined): string | undefined {
  if (unavailability === undefined) return "Expecting 'unavailability' to be present in the maintenance window";
  if (unavailability.start === undefined) return "Expecting 'unavailability.start' to be present";
  if ((unavailability.duration?.nanoseconds ?? 0n) < 0n) return "Unavailability 'duration' is negative";
  return undefined;
}

/**
 * Mesos's `maintenance::validation::schedule`: every window has machines and a valid unavailability, every
 * machine is valid and appears once, and no machine that is DOWN is left out (only STOP_MAINTENANCE takes a
 * machine out of DOWN).
 */
export function scheduleError(schedule: maintenance.Schedule, machines: ReadonlyMap<string, Machine>): string | undefined {
  const updated = new Set<string>();
  for (const window of schedule.windows ?? []) {
    const ids = window.machineIds ?? [];
    if (ids.length === 0) return 'List of machines in the maintenance window is empty';
    const invalid = unavailabilityError(window.unavailability);
    if (invalid !== undefined) return invalid;
    for (const id of ids) {
      const error = machineError(id);
      if (error !== undefined) return error;
      const key = machineKey(id);
      if (updated.has(key)) return `Machine '${machineText(id)}' appears more than once in the schedule`;
      updated.add(key);
    }
  }
  for (const [key, machine] of machines) {
    if (machine.mode === MachineInfo_Mode.DOWN && !updated.has(key)) {
      return `Machine '${machineText(machine.id)}' is deactivated and cannot be removed from the schedule`;
    }
  }
  return undefined;
}

/** The master's maintenance records (see the module comment). */
export class MaintenanceState {
  /** By {@link machineKey}. */
  readonly machines = new Map<string, Machine>();
  /** The current schedule (Mesos keeps a list of one). */
  schedule: maintenance.Schedule = { windows: [] };
  /** Agents being drained or drained, by agent ID. */
  readonly draining = new Map<string, AgentDrain>();
  /** Agents deactivated by the operator (DEACTIVATE_AGENT or DRAIN_AGENT), by agent ID. */
  readonly deactivated = new Set<string>();
  /** Agents marked gone, with when (seconds since the epoch): they are never re-admitted. */
  readonly gone = new Map<string, number>();
  /** Outstanding inverse offers by ID. */
  readonly inverseOffers = new Map<string, OutstandingInverseOffer>();

  /** The machine of this ID, if the master tracks it. */
  machine(id: MachineID): Machine | undefined {
    return this.machines.get(machineKey(id));
  }

  /** Whether agents on this machine must be refused (Mesos's check in `registerSlave` / `reregisterSlave`). */
  isDown(id: MachineID): boolean {
    return this.machine(id)?.mode === MachineInfo_Mode.DOWN;
  }

  /** The unavailability an agent on this machine is under (what offers carry), if any. */
  unavailabilityOf(id: MachineID): Unavailability | undefined {
    return this.machine(id)?.unavailability;
  }

  /** The inverse offers outstanding on an agent. */
  inverseOffersOn(agentId: string): OutstandingInverseOffer[] {
    return [...this.inverseOffers.values()].filter((o) => o.agentId === agentId);
  }

  /** The inverse offers outstanding to a framework. */
  inverseOffersTo(frameworkId: string): OutstandingInverseOffer[] {
    return [...this.inverseOffers.values()].filter((o) => o.frameworkId === frameworkId);
  }
}
