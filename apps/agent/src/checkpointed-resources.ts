/**
 * The agent's checkpointed resources: its dynamic reservations and persistent volumes, which the master changes
 * with APPLY_OPERATION (Mesos's `Slave::applyOperation`, `checkpointResources`, `syncCheckpointedResources` in
 * src/slave/slave.cpp). They are kept on disk so that a restarted agent still has them and reports them on
 * REREGISTER, where the master lays them over the agent's configured resources again.
 *
 * The checkpoint belongs to one agent ID: `<work_dir>/meta/slaves/<agent id>/checkpointed_resources.json`, a JSON
 * object `{"resources": [<Resource in Mesos JSON>, ...]}`, replaced atomically. An agent that registers anew (a new
 * ID: the master knows nothing of its reservations) starts with none, as Mesos's agent with a fresh meta dir.
 * Mesos keeps `meta/resources/resources.info` (protobuf) instead; the file is ours, not a wire format.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { AgentInfo_Capability_Type, decodeMesosJson, toMesosJson, type AgentInfo, type AgentInfo_Capability, type Offer_Operation, type Resource } from '@mesos-ts/proto';
import { Resources, applyCheckpointed, checkpointedOf } from '@mesos-ts/resources';
import { metaAgentsDir } from './paths';
import { createVolumeDirectories, removeVolumeDirectories } from './volumes';

const FILE = 'checkpointed_resources.json';

/**
 * What the agent tells the master it can do, as Mesos 1.11's agent does for these: multi-role, hierarchical roles
 * and reservation refinement, and operation feedback on its default resources (RESOURCE_PROVIDER and
 * AGENT_OPERATION_FEEDBACK: the master then forwards the agent's OPERATION_FINISHED to frameworks that gave the
 * operation an ID), resizing volumes (RESIZE_VOLUME) and draining. An agent that lists capabilities must list all
 * it has: the master reads an empty list as "the usual ones" and a non-empty one literally.
 */
export const AGENT_CAPABILITIES: readonly AgentInfo_Capability[] = [
  AgentInfo_Capability_Type.MULTI_ROLE,
  AgentInfo_Capability_Type.HIERARCHICAL_ROLE,
  AgentInfo_Capability_Type.RESERVATION_REFINEMENT,
  AgentInfo_Capability_Type.RESOURCE_PROVIDER,
  AgentInfo_Capability_Type.RESIZE_VOLUME,
  AgentInfo_Capability_Type.AGENT_OPERATION_FEEDBACK,
  // The agent drains on DRAIN (drain.ts); the master refuses DRAIN_AGENT for agents that list capabilities without it.
  AgentInfo_Capability_Type.AGENT_DRAINING,
].map((type) => ({ type }));

/** Where the checkpoint of `agentId` lives. */
export function checkpointedResourcesPath(workDir: string, agentId: string): string {
  return path.join(metaAgentsDir(workDir), agentId, FILE);
}

/** The resources an agent is configured with (its AgentInfo's), before any checkpointed ones; empty if invalid. */
export function configuredResources(info: AgentInfo): Resources {
  const parsed = Resources.fromProto(info.resources ?? []);
  return parsed.ok ? parsed.value : Resources.EMPTY;
}

/** The operation with allocation info removed from its resources: the agent's total is unallocated. */
export function unallocatedOperation(op: Offer_Operation): Offer_Operation {
  const strip = (list: readonly Resource[] | undefined): Resource[] | undefined => list?.map(({ allocationInfo: _dropped, ...rest }) => rest);
  const one = (r: Resource | undefined): Resource | undefined => (r === undefined ? undefined : strip([r])![0]);
  const out: Offer_Operation = { ...op };
  if (op.reserve !== undefined) out.reserve = { ...op.reserve, resources: strip(op.reserve.resources), source: strip(op.reserve.source) };
  if (op.unreserve !== undefined) out.unreserve = { ...op.unreserve, resources: strip(op.unreserve.resources) };
  if (op.create !== undefined) out.create = { ...op.create, volumes: strip(op.create.volumes) };
  if (op.destroy !== undefined) out.destroy = { ...op.destroy, volumes: strip(op.destroy.volumes) };
  if (op.growVolume !== undefined) out.growVolume = { ...op.growVolume, volume: one(op.growVolume.volume), addition: one(op.growVolume.addition) };
  if (op.shrinkVolume !== undefined) out.shrinkVolume = { ...op.shrinkVolume, volume: one(op.shrinkVolume.volume) };
  return out;
}

/** Reads a checkpoint file; none yet is empty. */
export function readCheckpointedResources(file: string): Result<Resources> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok(Resources.EMPTY);
    return err(new MesosTsError('INTERNAL', `Failed to read checkpointed resources from '${file}': ${(e as Error).message}`, { cause: e }));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(new MesosTsError('INTERNAL', `Failed to parse checkpointed resources in '${file}': ${(e as Error).message}`, { cause: e }));
  }
  const list = (json as { resources?: unknown } | null)?.resources;
  if (!Array.isArray(list)) return err(new MesosTsError('INTERNAL', `Failed to parse checkpointed resources in '${file}': expected {"resources": [...]}`));
  const resources: Resource[] = [];
  for (const item of list) {
    const decoded = decodeMesosJson('mesos.v1.Resource', item);
    if (!decoded.ok) return err(new MesosTsError('INTERNAL', `Failed to parse checkpointed resources in '${file}': ${decoded.error.message}`));
    resources.push(decoded.value);
  }
  const parsed = Resources.fromProto(resources);
  return parsed.ok ? parsed : err(new MesosTsError('INTERNAL', `Invalid checkpointed resources in '${file}': ${parsed.error.message}`));
}

/** Writes a checkpoint file atomically (temporary file, then rename). */
export function writeCheckpointedResources(file: string, resources: Resources): Result<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const body = JSON.stringify({ resources: resources.toProto({ sharedCopies: false }).map((r) => toMesosJson('mesos.v1.Resource', r)) }, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
    writeFileSync(temporary, body);
    renameSync(temporary, file);
    return ok(undefined);
  } catch (e) {
    rmSync(temporary, { force: true });
    return err(new MesosTsError('INTERNAL', `Failed to checkpoint resources to '${file}': ${(e as Error).message}`, { cause: e }));
  }
}

/** What applying an operation did. */
export interface AppliedOperation {
  readonly before: Resources;
  readonly after: Resources;
  /** Problems after the change was made (a destroyed volume's directory that could not be removed). */
  readonly warnings: readonly string[];
}

/**
 * The agent's configured resources and its checkpoint for the current agent ID. Changes go to disk (and the
 * volume directories) before they are taken in memory, so a failure leaves everything as it was.
 */
export class ResourceCheckpoint {
  readonly #workDir: string;
  readonly #configured: Resources;
  #agentId: string | undefined;
  #checkpointed = Resources.EMPTY;
  #total: Resources;

  constructor(workDir: string, configured: Resources) {
    this.#workDir = workDir;
    this.#configured = configured;
    this.#total = configured;
  }

  /** The agent ID the checkpoint is for, once loaded or switched to. */
  get agentId(): string | undefined {
    return this.#agentId;
  }

  /** The dynamic reservations and persistent volumes. */
  get checkpointed(): Resources {
    return this.#checkpointed;
  }

  /** The configured resources with the checkpointed ones applied. */
  get total(): Resources {
    return this.#total;
  }

  /**
   * Takes the checkpoint of `agentId` (none on disk: empty): a restarted agent's reservations and volumes. Fails
   * when the file cannot be read or does not fit the configured resources (Mesos's agent refuses to start then);
   * the volume directories it names are made if missing.
   */
  load(agentId: string): Result<void> {
    const read = readCheckpointedResources(checkpointedResourcesPath(this.#workDir, agentId));
    if (!read.ok) return read;
    const total = applyCheckpointed(this.#configured, read.value);
    if (!total.ok) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Checkpointed resources ${read.value.toString()} are incompatible with agent resources ${this.#configured.toString()}: ${total.error.message}`));
    }
    const made = createVolumeDirectories(this.#workDir, read.value);
    if (!made.ok) return made;
    this.#agentId = agentId;
    this.#checkpointed = read.value;
    this.#total = total.value;
    return ok(undefined);
  }

  /**
   * The agent has a (new) ID from the master: take its checkpoint. A different ID than the one loaded means a
   * new registration, for which the master knows no reservations; its checkpoint is normally empty.
   */
  switchTo(agentId: string): Result<void> {
    if (agentId === this.#agentId) return ok(undefined);
    this.#checkpointed = Resources.EMPTY;
    this.#total = this.#configured;
    return this.load(agentId);
  }

  /**
   * Applies a speculative operation: new volume directories are created (CREATE), the checkpoint is written, then
   * the directories of destroyed volumes are removed (DESTROY), as Mesos's `syncCheckpointedResources`. The error
   * names what did not work; the checkpoint is unchanged then (a directory made for nothing may remain). A
   * directory that cannot be removed after the change is a warning, not a failure: the volume is gone.
   */
  apply(operation: Offer_Operation): Result<AppliedOperation> {
    const agentId = this.#agentId;
    if (agentId === undefined) return err(new MesosTsError('UNAVAILABLE', 'The agent has no ID yet'));
    const total = this.#total.apply(unallocatedOperation(operation));
    if (!total.ok) return total;
    const before = this.#checkpointed;
    const after = checkpointedOf(total.value);
    const made = createVolumeDirectories(this.#workDir, after);
    if (!made.ok) return made;
    const written = writeCheckpointedResources(checkpointedResourcesPath(this.#workDir, agentId), after);
    if (!written.ok) return written;
    this.#checkpointed = after;
    this.#total = total.value;
    const removed = removeVolumeDirectories(this.#workDir, before, after);
    return ok({ before, after, warnings: removed.ok ? [] : [removed.error.message] });
  }
}
