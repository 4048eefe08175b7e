// A Containerizer that runs nothing: it records launches and lets the test decide when and how each container
// ends. Tests that need a real process use the PosixContainerizer instead.
import type { ContainerConfig, ContainerTermination, Containerizer, LaunchedContainer } from '@mesos-ts/containerizer';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import type { ResourceStatistics } from '@mesos-ts/proto';

interface Running {
  readonly config: ContainerConfig;
  readonly ended: Promise<ContainerTermination>;
  readonly end: (t: ContainerTermination) => void;
}

export class FakeContainerizer implements Containerizer {
  readonly launched: ContainerConfig[] = [];
  readonly destroyed: Array<{ containerId: string; gracePeriodMs: number | undefined }> = [];
  /** Return a message to make the next launches fail. */
  failLaunch: ((config: ContainerConfig) => string | undefined) | undefined;
  readonly #running = new Map<string, Running>();
  readonly #ended = new Map<string, ContainerTermination>();
  #pid = 1000;

  async launch(config: ContainerConfig): Promise<Result<LaunchedContainer>> {
    const failure = this.failLaunch?.(config);
    if (failure !== undefined) return err(new MesosTsError('INVALID_ARGUMENT', failure));
    this.launched.push(config);
    let end!: (t: ContainerTermination) => void;
    const ended = new Promise<ContainerTermination>((resolve) => (end = resolve));
    this.#running.set(config.containerId, { config, ended, end });
    return ok({ containerId: config.containerId, pid: ++this.#pid });
  }

  async wait(containerId: string): Promise<ContainerTermination | undefined> {
    return this.#running.get(containerId)?.ended ?? this.#ended.get(containerId);
  }

  async destroy(containerId: string, gracePeriodMs?: number): Promise<ContainerTermination | undefined> {
    this.destroyed.push({ containerId, gracePeriodMs });
    this.exit(containerId, { status: 9, signal: 'SIGKILL', message: 'Container destroyed' });
    return this.#ended.get(containerId);
  }

  async usage(containerId: string): Promise<Result<ResourceStatistics>> {
    return err(new MesosTsError('NOT_IMPLEMENTED', `No usage for '${containerId}' in the fake containerizer`));
  }

  containers(): readonly string[] {
    return [...this.#running.keys()];
  }

  /** Ends a container as if its executor exited. */
  exit(containerId: string, termination: ContainerTermination): void {
    const running = this.#running.get(containerId);
    if (running === undefined) return;
    this.#running.delete(containerId);
    this.#ended.set(containerId, termination);
    running.end(termination);
  }

  /** The launch of the container whose sandbox ends with `executorId`'s run, the latest first. */
  launchOf(executorId: string): ContainerConfig | undefined {
    return [...this.launched].reverse().find((c) => c.environment['MESOS_EXECUTOR_ID'] === executorId);
  }
}
