import { randomUUID } from 'node:crypto';
import { Resource_ReservationInfo_Type, Value_Type, Volume_Mode, master, type Resource } from '@mesos-ts/proto';
import { CommandFailure } from '../operator/failure';
import { formatNumber, formatTable } from '../output/table';
import type { CliCommand } from './command';
import { reservationPrincipal } from './reserve';
import { agentIdOf, defineAction, defineGroup, jsonOption, masterOption, resolveAgent, type MasterFlags } from './shared';

interface VolumeCreateFlags extends MasterFlags {
  readonly role: string;
  readonly size: string;
  readonly path: string;
  readonly id?: string;
  readonly principal?: string;
}

interface VolumeDestroyFlags extends MasterFlags {
  readonly id: string;
}

/**
 * The persistent volume resource of `mesos volume create`: `sizeMb` of disk reserved (DYNAMIC) to `role`, with
 * persistence `id` and a read-write volume at `containerPath` (relative to the sandbox).
 *
 * @returns the resource, or a message naming the bad flag.
 */
export function volumeResource(input: { role: string; size: string; path: string; id: string; principal: string | undefined }): { ok: true; resource: Resource } | { ok: false; message: string } {
  const size = Number(input.size);
  if (input.size.trim() === '' || !Number.isFinite(size) || size <= 0) return { ok: false, message: `--size '${input.size}' must be a positive number of megabytes` };
  if (input.role === '*' || input.role === '') return { ok: false, message: `--role '${input.role}': a volume needs a reserved role` };
  if (input.path === '' || input.path.startsWith('/')) return { ok: false, message: `--path '${input.path}' must be a path relative to the sandbox` };
  if (input.path.split('/').includes('..')) return { ok: false, message: `--path '${input.path}' must not contain '..'` };
  if (input.id === '' || /[\s/]/.test(input.id)) return { ok: false, message: `--id '${input.id}' must be non-empty, without spaces or '/'` };
  const principal = input.principal !== undefined ? { principal: input.principal } : {};
  return {
    ok: true,
    resource: {
      name: 'disk',
      type: Value_Type.SCALAR,
      scalar: { value: size },
      reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: input.role, ...principal }],
      disk: { persistence: { id: input.id, ...principal }, volume: { mode: Volume_Mode.RW, containerPath: input.path } },
    },
  };
}

/** The persistent volumes among an agent's resources. */
export function volumesOf(resources: readonly Resource[] | undefined): Resource[] {
  return (resources ?? []).filter((r) => r.disk?.persistence?.id !== undefined);
}

/** `mesos volume list|create|destroy` (GET_AGENTS, CREATE_VOLUMES, DESTROY_VOLUMES). */
export const volumeCommand: CliCommand = {
  name: 'volume',
  register(program, context, done) {
    const group = defineGroup(program, 'volume', 'Persistent volumes on agents');

    const list = group.command('list').description('List the persistent volumes of every agent (or of one)').argument('[agent]', 'Agent ID or hostname').addOption(masterOption()).addOption(jsonOption());
    defineAction<MasterFlags>(list, context, done, async ({ client, args, options, out, json }) => {
      const agents = args[0] === undefined ? ((await client.call({ type: master.Call_Type.GET_AGENTS })).response.getAgents?.agents ?? []) : [await resolveAgent(client, String(args[0]))];
      const rows = agents.flatMap((a) =>
        volumesOf(a.totalResources).map((v) => ({ agent: agentIdOf(a), host: a.agentInfo?.hostname ?? '', v })),
      );
      if (options.json === true) return json({ volumes: rows.map((r) => ({ agent_id: r.agent, hostname: r.host, id: r.v.disk?.persistence?.id, role: r.v.reservations?.at(-1)?.role ?? r.v.role, size_mb: r.v.scalar?.value, container_path: r.v.disk?.volume?.containerPath, principal: r.v.disk?.persistence?.principal })) });
      out(formatTable(['ID', 'AGENT', 'HOST', 'ROLE', { header: 'SIZE_MB', align: 'right' }, 'PATH'], rows.map((r) => [r.v.disk?.persistence?.id ?? '', r.agent, r.host, r.v.reservations?.at(-1)?.role ?? r.v.role ?? '', formatNumber(r.v.scalar?.value ?? 0), r.v.disk?.volume?.containerPath ?? ''])));
    });

    const create = group
      .command('create')
      .description('Create a persistent volume out of disk reserved to a role (CREATE_VOLUMES)')
      .argument('<agent>', 'Agent ID or hostname')
      .requiredOption('--role <role>', 'Role the disk is reserved to')
      .requiredOption('--size <MB>', 'Size of the volume in megabytes')
      .requiredOption('--path <path>', "Where tasks see it, relative to their sandbox (e.g. 'data')")
      .option('--id <id>', 'Persistence ID of the volume (default: a random UUID)')
      .option('--principal <principal>', 'Principal creating it (default: the one of the reservation, when unique)')
      .addOption(masterOption())
      .addHelpText('after', "\nReserve the disk first, e.g. mesos reserve AGENT 'disk:1024' --role eng.\n\nExample:\n  $ mesos volume create AGENT --role eng --size 512 --path data --id pg-data");
    defineAction<VolumeCreateFlags>(create, context, done, async ({ client, args, options, out, usage }) => {
      const id = options.id ?? randomUUID();
      const draft = volumeResource({ role: options.role, size: options.size, path: options.path, id, principal: options.principal });
      if (!draft.ok) return usage(draft.message);
      const agent = await resolveAgent(client, String(args[0]));
      const principal = options.principal ?? reservationPrincipal(agent.totalResources, options.role);
      const built = volumeResource({ role: options.role, size: options.size, path: options.path, id, principal });
      if (!built.ok) return usage(built.message);
      await client.call({ type: master.Call_Type.CREATE_VOLUMES, createVolumes: { agentId: { value: agentIdOf(agent) }, volumes: [built.resource] } });
      out(`Created volume ${id} (${formatNumber(Number(options.size))} MB, role '${options.role}', path '${options.path}') on agent ${agentIdOf(agent)}\n`);
    });

    const destroy = group
      .command('destroy')
      .description('Destroy a persistent volume (DESTROY_VOLUMES); its data is deleted')
      .argument('<agent>', 'Agent ID or hostname')
      .requiredOption('--id <id>', 'Persistence ID of the volume (see mesos volume list)')
      .addOption(masterOption());
    defineAction<VolumeDestroyFlags>(destroy, context, done, async ({ client, args, options, out }) => {
      const agent = await resolveAgent(client, String(args[0]));
      // The master wants the volume exactly as it is on the agent (reservation, principal, path).
      const volume = volumesOf(agent.totalResources).find((v) => v.disk?.persistence?.id === options.id);
      if (volume === undefined) throw new CommandFailure(`agent ${agentIdOf(agent)} has no persistent volume with ID '${options.id}' (see 'mesos volume list')`);
      await client.call({ type: master.Call_Type.DESTROY_VOLUMES, destroyVolumes: { agentId: { value: agentIdOf(agent) }, volumes: [volume] } });
      out(`Destroyed volume ${options.id} on agent ${agentIdOf(agent)}\n`);
    });
    return group;
  },
};
