/**
 * Command tasks with an image (Mesos's `MesosContainerizerProcess::_launch` for a container whose config has
 * `task_info` and a root filesystem): the command executor keeps running on the host, in the container's cgroups
 * and namespaces, and only the task enters the image. The containerizer settles the task's command with the
 * image's config here and hands the executor everything it needs as flags, as Mesos passes `--rootfs`,
 * `--sandbox_directory`, `--working_directory` and `--task_command` to `mesos-executor`. What Mesos's executor
 * asks of `mesos-containerizer launch` (the mounts, pivot_root) ours asks of the rootfs script, given through
 * `--launch_info` (a {@link TaskLaunchInfo} as JSON).
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { toMesosJson, type CommandInfo, type Environment } from '@mesos-ts/proto';
import { findProgramInRootfs } from './isolators/filesystem-linux';
import type { LaunchMount } from './isolators/isolator';
import { checkStaticHelper } from './launcher/rootfs';
import { computeImageLaunch, type ImageConfig } from './provisioner/image-config';
import type { TaskLaunchInfo } from './types';

export interface CommandTaskInput {
  /** The task's CommandInfo (before the image's config is applied). */
  readonly taskCommand: CommandInfo;
  readonly image: ImageConfig;
  /** The provisioned root filesystem (a host path). */
  readonly rootfs: string;
  /** `--sandbox_directory`: the sandbox's path inside the root filesystem. */
  readonly sandboxDirectory: string;
  /** The mounts filesystem/linux asked for (the rootfs's special filesystems, the sandbox, the volumes). */
  readonly mounts: readonly LaunchMount[];
  /** The executor's environment (for the PATH the task starts with when neither the image nor the task sets one). */
  readonly executorEnvironment: Readonly<Record<string, string>>;
  /** Variables the isolators give the task (MESOS_SANDBOX inside the image). */
  readonly isolatorEnvironment: Readonly<Record<string, string>>;
  readonly tools: Omit<TaskLaunchInfo, 'mounts'>;
}

/**
 * The flags to append to the command executor's arguments, or why the task cannot run (no command at all, a
 * program missing from the image, no static busybox): an INVALID_ARGUMENT naming it.
 */
export async function commandTaskFlags(input: CommandTaskInput): Promise<Result<string[]>> {
  const { taskCommand, rootfs } = input;
  const invalid = (message: string): Result<string[]> => err(new MesosTsError('INVALID_ARGUMENT', message));
  // The image's Env alone (the command's own variables reach the task through its CommandInfo, where they win).
  const withoutEnv: CommandInfo = { ...taskCommand };
  delete withoutEnv.environment;
  const imageOnly = computeImageLaunch(withoutEnv, input.image);
  if (!imageOnly.ok) return imageOnly;
  const settled: CommandInfo = { ...imageOnly.value.command };
  if (taskCommand.environment !== undefined) settled.environment = taskCommand.environment;
  const workingDirectory = imageOnly.value.workingDirectory ?? input.sandboxDirectory;
  const taskEnvironment: Record<string, string> = { ...imageOnly.value.environment, ...input.isolatorEnvironment };

  // The program is looked up in the image now, with the PATH the task will have, so a missing one fails the launch.
  const commandPath = taskCommand.environment?.variables?.find((v) => v.name === 'PATH')?.value;
  const path = commandPath ?? taskEnvironment.PATH ?? input.executorEnvironment.PATH;
  const shell = settled.shell ?? true;
  const found = await findProgramInRootfs(rootfs, shell ? '/bin/sh' : (settled.value ?? ''), path, workingDirectory);
  if ('reason' in found) return invalid(found.reason);
  if (!shell) settled.value = found.program;

  const problem = await checkStaticHelper(input.tools.busybox);
  if (problem) return invalid(problem);

  const environment: Environment = { variables: Object.entries(taskEnvironment).map(([name, value]) => ({ name, value })) };
  const launchInfo: TaskLaunchInfo = { mounts: input.mounts, ...input.tools };
  return ok([
    `--rootfs=${rootfs}`,
    `--sandbox_directory=${input.sandboxDirectory}`,
    `--working_directory=${workingDirectory}`,
    `--task_command=${JSON.stringify(toMesosJson('mesos.v1.CommandInfo', settled))}`,
    `--task_environment=${JSON.stringify(toMesosJson('mesos.v1.Environment', environment))}`,
    `--launch_info=${JSON.stringify(launchInfo)}`,
  ]);
}
