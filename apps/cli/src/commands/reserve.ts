import { MesosTsError } from '@mesos-ts/errors';
import { Resource_ReservationInfo_Type, master, type Resource } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { CliCommand } from './command';
import { agentIdOf, defineAction, masterOption, resolveAgent, type MasterFlags } from './shared';

interface ReserveFlags extends MasterFlags {
  readonly role: string;
  readonly principal?: string;
}

/**
 * The resources of a RESERVE_RESOURCES / UNRESERVE_RESOURCES call: `text` (Mesos's `cpus:1;mem:128` form) with a
 * DYNAMIC reservation for `role` (by `principal`) pushed on top. Resources statically reserved in the text
 * (`cpus(eng):1`) get a refinement, so `role` must then be below theirs (`eng/dev`).
 *
 * @returns the Resource protos, or a message naming the bad value.
 */
export function reservedResources(text: string, role: string, principal: string | undefined): { ok: true; resources: Resource[] } | { ok: false; message: string } {
  const parsed = Resources.parse(text);
  if (!parsed.ok) return { ok: false, message: `resources '${text}': ${parsed.error.message}` };
  if (parsed.value.isEmpty()) return { ok: false, message: `resources '${text}' are empty` };
  try {
    const reserved = parsed.value.pushReservation({ type: Resource_ReservationInfo_Type.DYNAMIC, role, ...(principal !== undefined ? { principal } : {}) });
    return { ok: true, resources: reserved.toProto() };
  } catch (error) {
    if (error instanceof MesosTsError) return { ok: false, message: `--role '${role}': ${error.message.replace(/^pushReservation: /, '')}` };
    throw error;
  }
}

/**
 * The principal of the dynamic reservations for `role` on an agent, when they all have the same one: unreserving
 * (or creating a volume) must name the reservation exactly as it was made, principal included.
 */
export function reservationPrincipal(resources: readonly Resource[] | undefined, role: string): string | undefined {
  const principals = new Set<string | undefined>();
  for (const r of resources ?? []) {
    const last = r.reservations?.[r.reservations.length - 1];
    if (last?.role === role && last.type === Resource_ReservationInfo_Type.DYNAMIC) principals.add(last.principal);
  }
  return principals.size === 1 ? [...principals][0] : undefined;
}

const EXAMPLES = (verb: string): string => `
The agent is its ID or its hostname. Resources are in Mesos's text form.

Example:
  $ mesos ${verb} 9a1e...-S0 'cpus:1;mem:128' --role eng --principal ops`;

function register(verb: 'reserve' | 'unreserve'): CliCommand {
  return {
    name: verb,
    register(program, context, done) {
      const command = program
        .command(verb)
        .description(verb === 'reserve' ? 'Dynamically reserve resources of an agent for a role (RESERVE_RESOURCES)' : 'Release a dynamic reservation of an agent (UNRESERVE_RESOURCES)')
        .argument('<agent>', 'Agent ID or hostname')
        .argument('<resources>', "Resources, e.g. 'cpus:1;mem:128'")
        .requiredOption('--role <role>', 'The role of the reservation')
        .option('--principal <principal>', verb === 'reserve' ? 'Principal the reservation is made by' : 'Principal the reservation was made by (default: the one on the agent, when unique)')
        .addOption(masterOption())
        .addHelpText('after', EXAMPLES(verb));
      defineAction<ReserveFlags>(command, context, done, async ({ client, args, options, out, usage }) => {
        const text = String(args[1]);
        // Check the arguments before asking the master anything.
        const checked = reservedResources(text, options.role, options.principal);
        if (!checked.ok) return usage(checked.message);
        const agent = await resolveAgent(client, String(args[0]));
        const agentId = { value: agentIdOf(agent) };
        if (verb === 'reserve') {
          await client.call({ type: master.Call_Type.RESERVE_RESOURCES, reserveResources: { agentId, resources: checked.resources } });
          out(`Reserved ${text} for role '${options.role}' on agent ${agentId.value}\n`);
          return;
        }
        const principal = options.principal ?? reservationPrincipal(agent.totalResources, options.role);
        const resources = reservedResources(text, options.role, principal);
        if (!resources.ok) return usage(resources.message);
        await client.call({ type: master.Call_Type.UNRESERVE_RESOURCES, unreserveResources: { agentId, resources: resources.resources } });
        out(`Unreserved ${text} of role '${options.role}' on agent ${agentId.value}\n`);
      });
      return command;
    },
  };
}

/** `mesos reserve <agent> <resources> --role r [--principal p]`. */
export const reserveCommand: CliCommand = register('reserve');
/** `mesos unreserve <agent> <resources> --role r [--principal p]`. */
export const unreserveCommand: CliCommand = register('unreserve');
