// Starts a real agent (startAgent: HTTP server, master link, core) against a FakeMaster, with a FakeContainerizer
// unless the test brings its own, plus builders for the master's events.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Containerizer } from '@mesos-ts/containerizer';
import { parseFlags } from '@mesos-ts/flags';
import { internal, type ExecutorInfo, type FrameworkInfo, type TaskInfo } from '@mesos-ts/proto';
import { startAgent, type AgentHandle, type StartAgentOptions } from '../../src/agent';
import { agentFlags } from '../../src/flags';
import { silentLogger } from '../../src/log';
import { FakeContainerizer } from './fake-containerizer';
import { FakeMaster } from './fake-master';

export interface TestAgent {
  readonly agent: AgentHandle;
  readonly master: FakeMaster;
  readonly containerizer: FakeContainerizer;
  readonly workDir: string;
  readonly launcherDir: string;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly agentId: string;
  stop(): Promise<void>;
}

export interface TestAgentOptions extends Partial<Omit<StartAgentOptions, 'flags'>> {
  readonly args?: readonly string[];
  /** Where the executors are; default: a directory with empty stand-ins. */
  readonly launcherDir?: string;
}

export async function startTestAgent(options: TestAgentOptions = {}): Promise<TestAgent> {
  const master = await FakeMaster.start({ agentId: 'M1-S1' });
  const root = mkdtempSync(path.join(os.tmpdir(), 'agent-test-'));
  const workDir = path.join(root, 'work');
  const launcherDir = options.launcherDir ?? path.join(root, 'launcher');
  if (options.launcherDir === undefined) {
    mkdirSync(launcherDir);
    // Stand-ins for the built executors: the agent only checks that they exist.
    writeFileSync(path.join(launcherDir, 'mesos-executor.js'), '');
    writeFileSync(path.join(launcherDir, 'mesos-default-executor.js'), '');
  }
  const fail = async (error: unknown): Promise<never> => {
    await master.close();
    rmSync(root, { recursive: true, force: true });
    throw error;
  };
  const parsed = parseFlags(agentFlags, {
    argv: [
      `--master=${master.address}`,
      `--work_dir=${workDir}`,
      '--ip=127.0.0.1',
      '--port=0',
      `--launcher_dir=${launcherDir}`,
      '--resources=cpus:4;mem:4096;disk:10000;ports:[31000-32000]',
      '--registration_backoff_factor=10ms',
      ...(options.args ?? []),
    ],
    env: {},
  });
  if (!parsed.ok) return fail(parsed.error);
  const containerizer = (options.containerizer as FakeContainerizer | undefined) ?? new FakeContainerizer();
  const started = await startAgent({ logger: silentLogger, runningAsRoot: false, ...options, flags: parsed.value.flags, containerizer: containerizer as Containerizer });
  if (!started.ok) return fail(started.error);
  const agent = started.value;
  await master.waitFor(() => agent.connected);
  return {
    agent,
    master,
    containerizer,
    workDir,
    launcherDir,
    base: `http://127.0.0.1:${agent.address.port}`,
    agentId: agent.agentId!,
    stop: async () => {
      await agent.close();
      await master.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export const FRAMEWORK_ID = 'M1-0000';

export function frameworkInfo(overrides: Partial<FrameworkInfo> = {}): FrameworkInfo {
  return { user: 'tester', name: 'test-framework', id: { value: FRAMEWORK_ID }, ...overrides };
}

export function commandTask(id: string, command = 'sleep 1000', overrides: Partial<TaskInfo> = {}): TaskInfo {
  return {
    name: `task ${id}`,
    taskId: { value: id },
    agentId: { value: 'M1-S1' },
    resources: [
      { name: 'cpus', type: 0, scalar: { value: 1 }, allocationInfo: { role: '*' } },
      { name: 'mem', type: 0, scalar: { value: 128 }, allocationInfo: { role: '*' } },
    ],
    command: { value: command },
    ...overrides,
  };
}

export function customExecutor(id: string, overrides: Partial<ExecutorInfo> = {}): ExecutorInfo {
  return {
    type: 2,
    executorId: { value: id },
    frameworkId: { value: FRAMEWORK_ID },
    name: `executor ${id}`,
    command: { value: 'exec my-executor' },
    resources: [{ name: 'cpus', type: 0, scalar: { value: 0.5 }, allocationInfo: { role: '*' } }],
    ...overrides,
  };
}

export function runTask(task: TaskInfo, framework = frameworkInfo(), launchExecutor = true): internal.AgentEvent {
  return { type: internal.AgentEvent_Type.RUN_TASK, runTask: { framework, frameworkId: { value: FRAMEWORK_ID }, task, launchExecutor } };
}

export function ack(taskId: string, uuid: Uint8Array): internal.AgentEvent {
  return { type: internal.AgentEvent_Type.ACKNOWLEDGE, acknowledge: { frameworkId: { value: FRAMEWORK_ID }, taskId: { value: taskId }, uuid: Buffer.from(uuid) } };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
