/**
 * The bookkeeping every containerizer shares: which containers run, which are being launched (their ID is
 * reserved, and a `wait` or `destroy` asked meanwhile acts once the launch is through), and the terminations of
 * the last ended ones (so `wait` and `destroy` after the end still answer). How a container is started and killed
 * is each containerizer's own.
 */
import { MesosTsError, err, type Result } from '@mesos-ts/errors';
import type { ContainerTermination, LaunchedContainer } from '../types';

/** What the book needs of a running container. */
export interface BookedContainer<T extends ContainerTermination> {
  readonly ended: Promise<T>;
  /** Set by the first destroy; every later call answers with the same promise. */
  destroying?: Promise<T>;
}

export class ContainerBook<C extends BookedContainer<T>, T extends ContainerTermination = ContainerTermination> {
  readonly running = new Map<string, C>();
  private readonly launching = new Map<string, Promise<Result<LaunchedContainer>>>();
  private readonly terminated = new Map<string, T>();

  /** @param keepTerminated how many ended containers to remember (the oldest are forgotten first). */
  constructor(private readonly keepTerminated: number) {}

  /** Whether the ID is taken by a running container or a launch in progress. */
  has(containerId: string): boolean {
    return this.running.has(containerId) || this.launching.has(containerId);
  }

  /** The IDs of running containers and of launches in progress. */
  ids(): string[] {
    return [...new Set([...this.running.keys(), ...this.launching.keys()])];
  }

  /**
   * Runs `start` with the ID reserved; a duplicate is refused with CONFLICT. `bug` turns an exception `start` did
   * not expect into an answer (everything expected is a Result already).
   */
  async launch(containerId: string, start: () => Promise<Result<LaunchedContainer>>, bug: (error: unknown) => Result<LaunchedContainer>): Promise<Result<LaunchedContainer>> {
    if (this.has(containerId)) return err(new MesosTsError('CONFLICT', `Container '${containerId}' already exists`));
    const launch = start().catch(bug);
    this.launching.set(containerId, launch);
    try {
      return await launch;
    } finally {
      this.launching.delete(containerId);
    }
  }

  /** The container's end: its termination once it has ended; undefined for an unknown container. */
  async wait(containerId: string): Promise<T | undefined> {
    await this.launching.get(containerId);
    const container = this.running.get(containerId);
    return container ? container.ended : this.terminated.get(containerId);
  }

  /** Ends the container once, with `kill`; later calls (and calls after the end) answer with the same termination. */
  async destroy(containerId: string, gracePeriodMs: number, kill: (container: C, gracePeriodMs: number) => Promise<T>): Promise<T | undefined> {
    await this.launching.get(containerId);
    const container = this.running.get(containerId);
    if (!container) return this.terminated.get(containerId);
    container.destroying ??= kill(container, Number.isFinite(gracePeriodMs) ? Math.max(0, gracePeriodMs) : 0);
    return container.destroying;
  }

  /** Keeps an ended container's termination, within the bound. */
  remember(containerId: string, termination: T): void {
    if (this.keepTerminated <= 0) return;
    this.terminated.delete(containerId);
    this.terminated.set(containerId, termination);
    while (this.terminated.size > this.keepTerminated) {
      const oldest = this.terminated.keys().next();
      if (oldest.done === true) break;
      this.terminated.delete(oldest.value);
    }
  }
}
