// Reservations and persistent volumes on the agent: the checkpoint on disk and across restarts, volume
// directories made and removed, volumes linked into sandboxes, and APPLY_OPERATION end to end against a fake master.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseFlags } from '@mesos-ts/flags';
import {
  AgentInfo_Capability_Type,
  OperationState,
  Offer_Operation_Type,
  Resource_ReservationInfo_Type,
  Value_Type,
  Volume_Mode,
  internal,
  type Offer_Operation,
  type Resource,
} from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { startAgent } from '../src/agent';
import { applyCheckpointed } from '@mesos-ts/resources';
import { AGENT_CAPABILITIES, ResourceCheckpoint, checkpointedResourcesPath, readCheckpointedResources } from '../src/checkpointed-resources';
import { agentFlags } from '../src/flags';
import { silentLogger } from '../src/log';
import { linkVolumes, persistentVolumePath } from '../src/volumes';
import { FakeContainerizer } from './support/fake-containerizer';
import { FakeMaster } from './support/fake-master';
import { FRAMEWORK_ID, commandTask, runTask, startTestAgent, type TestAgent } from './support/harness';

const C = internal.AgentCall_Type;

function scalar(name: string, value: number, role?: string, allocatedTo?: string): Resource {
  const r: Resource = { name, type: Value_Type.SCALAR, scalar: { value } };
  if (role !== undefined) r.reservations = [{ type: Resource_ReservationInfo_Type.DYNAMIC, role }];
  if (allocatedTo !== undefined) r.allocationInfo = { role: allocatedTo };
  return r;
}

function volume(size: number, role: string, id: string, containerPath = 'data', allocatedTo?: string): Resource {
  return { ...scalar('disk', size, role, allocatedTo), disk: { persistence: { id }, volume: { containerPath, mode: Volume_Mode.RW } } };
}

const reserveOp = (resources: Resource[]): Offer_Operation => ({ type: Offer_Operation_Type.RESERVE, reserve: { resources } });
const createOp = (volumes: Resource[]): Offer_Operation => ({ type: Offer_Operation_Type.CREATE, create: { volumes } });
const destroyOp = (volumes: Resource[]): Offer_Operation => ({ type: Offer_Operation_Type.DESTROY, destroy: { volumes } });
const entry = (r: Resource) => (Resources.fromProto([r]) as { value: Resources }).value.toArray()[0]!;

describe('the resource checkpoint and volume directories', () => {
  let root: string;
  const configured = Resources.mustParse('cpus:4;mem:1024;disk:1024');
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'volumes-test-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('starts empty, checkpoints operations, and a new instance loads them back', () => {
    const checkpoint = new ResourceCheckpoint(root, configured);
    expect(checkpoint.load('A-S1')).toEqual({ ok: true, value: undefined });
    expect(checkpoint.checkpointed.isEmpty()).toBe(true);
    const reserved = checkpoint.apply(reserveOp([scalar('disk', 512, 'eng', 'eng'), scalar('cpus', 1, 'eng', 'eng')]));
    expect(reserved.ok).toBe(true);
    expect(checkpoint.total.reserved('eng').disk()).toBe(512);
    expect(checkpoint.total.unreserved().cpus()).toBe(3);
    const created = checkpoint.apply(createOp([volume(128, 'eng', 'v1')]));
    expect(created.ok).toBe(true);
    expect(existsSync(path.join(root, 'volumes', 'roles', 'eng', 'v1'))).toBe(true);

    const file = checkpointedResourcesPath(root, 'A-S1');
    expect(file).toBe(path.join(root, 'meta', 'slaves', 'A-S1', 'checkpointed_resources.json'));
    expect(JSON.parse(readFileSync(file, 'utf8')).resources).toHaveLength(3);

    const again = new ResourceCheckpoint(root, configured);
    expect(again.load('A-S1').ok).toBe(true);
    expect(again.checkpointed.equals(checkpoint.checkpointed)).toBe(true);
    expect(again.total.equals(checkpoint.total)).toBe(true);
    // Another agent ID has its own (empty) checkpoint.
    expect(again.switchTo('A-S2').ok).toBe(true);
    expect(again.checkpointed.isEmpty()).toBe(true);
    expect(again.total.equals(configured)).toBe(true);
  });

  it('removes a destroyed volume with its contents, keeps a resized one, and refuses operations that do not fit', () => {
    const checkpoint = new ResourceCheckpoint(root, configured);
    checkpoint.load('A-S1');
    expect(checkpoint.apply(reserveOp([scalar('disk', 512, 'a/b')])).ok).toBe(true);
    expect(checkpoint.apply(createOp([volume(100, 'a/b', 'v1')])).ok).toBe(true);
    const dir = path.join(root, 'volumes', 'roles', 'a b', 'v1');
    expect(existsSync(dir)).toBe(true);
    writeFileSync(path.join(dir, 'kept'), 'data');
    const grow: Offer_Operation = { type: Offer_Operation_Type.GROW_VOLUME, growVolume: { volume: volume(100, 'a/b', 'v1'), addition: scalar('disk', 50, 'a/b') } };
    expect(checkpoint.apply(grow).ok).toBe(true);
    expect(checkpoint.total.persistentVolumes().disk()).toBe(150);
    expect(readFileSync(path.join(dir, 'kept'), 'utf8')).toBe('data');

    const tooBig = checkpoint.apply(createOp([volume(4096, 'a/b', 'v2')]));
    expect(tooBig.ok).toBe(false);
    expect(existsSync(path.join(root, 'volumes', 'roles', 'a b', 'v2'))).toBe(false);

    expect(checkpoint.apply(destroyOp([volume(150, 'a/b', 'v1')])).ok).toBe(true);
    expect(existsSync(dir)).toBe(false);
    expect(checkpoint.total.reserved('a/b').disk()).toBe(512);
  });

  it('refuses a checkpoint that does not fit the configured resources, or is not readable', () => {
    const checkpoint = new ResourceCheckpoint(root, configured);
    checkpoint.load('A-S1');
    checkpoint.apply(reserveOp([scalar('cpus', 3, 'eng')]));
    const smaller = new ResourceCheckpoint(root, Resources.mustParse('cpus:2;mem:1024;disk:1024'));
    const loaded = smaller.load('A-S1');
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.error.message).toMatch(/^Checkpointed resources .* are incompatible with agent resources .*: Incompatible agent resources: .* does not contain cpus:3$/);

    writeFileSync(checkpointedResourcesPath(root, 'A-S1'), '{"resources": [{"name": "cpus"}]}');
    const broken = readCheckpointedResources(checkpointedResourcesPath(root, 'A-S1'));
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.error.message).toMatch(/^(Failed to parse|Invalid) checkpointed resources in '/);
  });

  it('lays checkpointed resources over static reservations only where they fit', () => {
    const statics = Resources.mustParse('cpus(eng):2;cpus:2');
    const dynamic = Resources.fromProto([{ ...scalar('cpus', 1), reservations: [{ type: Resource_ReservationInfo_Type.STATIC, role: 'eng' }, { type: Resource_ReservationInfo_Type.DYNAMIC, role: 'eng/x' }] }]);
    expect(dynamic.ok).toBe(true);
    const total = applyCheckpointed(statics, (dynamic as { value: Resources }).value);
    expect(total.ok && total.value.reserved('eng/x').cpus()).toBe(1);
    expect(total.ok && total.value.reserved('eng').cpus()).toBe(1);
    expect(applyCheckpointed(statics, Resources.mustParse('cpus:1')).ok).toBe(false);
  });

  it('links volumes into a sandbox, keeps a correct link, and refuses to shadow anything else', () => {
    const sandbox = path.join(root, 'sandbox');
    mkdirSync(sandbox);
    const linked = linkVolumes(root, sandbox, [volume(10, 'eng', 'v1', 'data'), volume(10, 'eng', 'v2', 'a/b'), scalar('cpus', 1)]);
    expect(linked.ok).toBe(true);
    const target = path.join(root, 'volumes', 'roles', 'eng', 'v1');
    expect(lstatSync(path.join(sandbox, 'data')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(sandbox, 'data'))).toBe(target);
    expect(linked.ok && linked.value.skipped).toHaveLength(1);
    expect(linkVolumes(root, sandbox, [volume(10, 'eng', 'v1', 'data')]).ok).toBe(true);
    writeFileSync(path.join(sandbox, 'other'), '');
    const clash = linkVolumes(root, sandbox, [volume(10, 'eng', 'v3', 'other')]);
    expect(clash.ok).toBe(false);
    expect(persistentVolumePath(root, entry(volume(1, 'eng', '..'))).ok).toBe(false);
  });
});

describe('APPLY_OPERATION on a running agent', () => {
  let t: TestAgent | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  const apply = (operation: Offer_Operation, uuidByte: number, checkpointed: Resource[] = []): internal.AgentEvent => ({
    type: internal.AgentEvent_Type.APPLY_OPERATION,
    applyOperation: { frameworkId: { value: FRAMEWORK_ID }, operation, operationUuid: Buffer.alloc(16, uuidByte), checkpointedResources: checkpointed },
  });

  it('advertises its capabilities, answers OPERATION_FINISHED / OPERATION_FAILED, links volumes into task sandboxes', async () => {
    t = await startTestAgent();
    const a = t;
    const register = a.master.callsOf(C.REGISTER)[0]!;
    expect(register.register?.capabilities?.map((c) => c.type)).toEqual(AGENT_CAPABILITIES.map((c) => c.type));
    expect(register.register?.capabilities?.map((c) => c.type)).toContain(AgentInfo_Capability_Type.AGENT_OPERATION_FEEDBACK);

    a.master.send(apply({ ...reserveOp([scalar('disk', 1000, 'eng', 'eng')]), id: { value: 'r1' } }, 1));
    a.master.send(apply(createOp([volume(500, 'eng', 'vol', 'data', 'eng')]), 2));
    a.master.send(apply(createOp([volume(99999, 'eng', 'huge', 'data', 'eng')]), 3));
    await a.master.waitFor(() => a.master.callsOf(C.UPDATE_OPERATION_STATUS).length === 3);
    const statuses = a.master.callsOf(C.UPDATE_OPERATION_STATUS).map((c) => c.updateOperationStatus!);
    expect(statuses.map((s) => s.status?.state)).toEqual([OperationState.OPERATION_FINISHED, OperationState.OPERATION_FINISHED, OperationState.OPERATION_FAILED]);
    expect(statuses[0]!.status?.operationId?.value).toBe('r1');
    expect(statuses[0]!.frameworkId?.value).toBe(FRAMEWORK_ID);
    expect(Buffer.from(statuses[1]!.operationUuid!)).toEqual(Buffer.alloc(16, 2));
    expect(statuses[2]!.status?.message).toMatch(/CREATE/);
    expect(existsSync(path.join(a.workDir, 'volumes', 'roles', 'eng', 'vol'))).toBe(true);
    expect(a.agent.core.resourceCheckpoint.checkpointed.persistentVolumes().disk()).toBe(500);

    const task = commandTask('uses-volume', 'true', { resources: [...Resources.mustParse('cpus:1;mem:32').allocate('eng').toProto(), volume(500, 'eng', 'vol', 'data', 'eng')] });
    a.master.send(runTask(task));
    const config = await a.master.waitFor(() => a.containerizer.launchOf('uses-volume'));
    const link = path.join(config.sandbox, 'data');
    expect(readlinkSync(link)).toBe(path.join(a.workDir, 'volumes', 'roles', 'eng', 'vol'));
  });

  it('keeps its reservations and volumes across a restart and reports them on REREGISTER', async () => {
    const master = await FakeMaster.start({ agentId: 'M1-S7' });
    const root = mkdtempSync(path.join(os.tmpdir(), 'volumes-restart-'));
    const flags = parseFlags(agentFlags, {
      argv: [`--master=${master.address}`, `--work_dir=${root}`, '--ip=127.0.0.1', '--port=0', `--launcher_dir=${root}`, '--resources=cpus:2;mem:512;disk:1000', '--registration_backoff_factor=10ms'],
      env: {},
    });
    if (!flags.ok) throw flags.error;
    const start = async () => {
      const started = await startAgent({ logger: silentLogger, runningAsRoot: false, flags: flags.value.flags, containerizer: new FakeContainerizer() });
      if (!started.ok) throw started.error;
      await master.waitFor(() => started.value.connected);
      return started.value;
    };
    try {
      const first = await start();
      master.send(apply(reserveOp([scalar('disk', 600, 'eng')]), 1));
      master.send(apply(createOp([volume(600, 'eng', 'keep')]), 2));
      await master.waitFor(() => master.callsOf(C.UPDATE_OPERATION_STATUS).length === 2);
      writeFileSync(path.join(root, 'volumes', 'roles', 'eng', 'keep', 'file'), 'persisted');
      await first.close();

      const second = await start();
      const reregister = master.callsOf(C.REREGISTER).at(-1)!;
      expect(reregister.agentId?.value).toBe('M1-S7');
      const reported = (Resources.fromProto(reregister.reregister?.checkpointedResources ?? []) as { value: Resources }).value;
      expect(reported.persistentVolumes().disk()).toBe(600);
      // AgentInfo keeps the configured resources; the master lays the checkpoint over them.
      expect((Resources.fromProto(reregister.reregister?.agentInfo?.resources ?? []) as { value: Resources }).value.reserved().isEmpty()).toBe(true);
      expect(readFileSync(path.join(root, 'volumes', 'roles', 'eng', 'keep', 'file'), 'utf8')).toBe('persisted');
      await second.close();

      // A checkpoint that no longer fits the configured resources stops the agent from starting, as Mesos's does.
      const shrunk = parseFlags(agentFlags, { argv: [`--master=${master.address}`, `--work_dir=${root}`, '--ip=127.0.0.1', '--port=0', '--resources=cpus:2;mem:512;disk:100'], env: {} });
      if (!shrunk.ok) throw shrunk.error;
      const refused = await startAgent({ logger: silentLogger, runningAsRoot: false, flags: shrunk.value.flags, containerizer: new FakeContainerizer() });
      expect(refused.ok).toBe(false);
      expect(!refused.ok && refused.error.message).toMatch(/are incompatible with agent resources/);
    } finally {
      await master.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
