/**
 * Signal escalation for a kill: SIGTERM now, SIGKILL when the grace period is over, as the built-in Mesos
 * executors do it. A later kill may only shorten the grace period, never extend it (a scheduler's retried kill
 * must be a no-op; a shorter one escalates sooner, measured from the first SIGTERM).
 */

/** Mesos's grace period when neither the KILL event nor the task has a kill policy. */
export const DEFAULT_KILL_GRACE_PERIOD_MS = 3000;

export interface EscalationOptions {
  /** Sends a signal to the task (its whole process group). */
  readonly signal: (signal: NodeJS.Signals) => void;
  /** Told when SIGKILL goes out, with the grace period that ran out. */
  readonly onEscalate?: (graceMs: number) => void;
  /** The clock; default `Date.now`. */
  readonly now?: () => number;
}

/** One task's kill in progress. */
export class KillEscalation {
  readonly #options: EscalationOptions;
  #startedAt: number | undefined;
  #deadline: number | undefined;
  #graceMs = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: EscalationOptions) {
    this.#options = options;
  }

  /** Whether `start` has been called. */
  get started(): boolean {
    return this.#startedAt !== undefined;
  }

  /** Sends SIGTERM and schedules SIGKILL in `graceMs` (0: at once, on the next turn). Later calls do nothing. */
  start(graceMs: number): void {
    if (this.#startedAt !== undefined) return;
    const now = this.#now();
    this.#startedAt = now;
    this.#options.signal('SIGTERM');
    this.#schedule(now + Math.max(0, graceMs), graceMs);
  }

  /**
   * A later kill with `graceMs`: escalates sooner if the first SIGTERM plus `graceMs` comes before the current
   * deadline (at once if that time has passed); otherwise nothing changes. Returns whether it rescheduled.
   */
  shorten(graceMs: number): boolean {
    if (this.#startedAt === undefined || this.#deadline === undefined) return false;
    const deadline = this.#startedAt + Math.max(0, graceMs);
    if (deadline >= this.#deadline) return false;
    this.#schedule(deadline, graceMs);
    return true;
  }

  /** Cancels the pending SIGKILL (the task has ended). */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(deadline: number, graceMs: number): void {
    this.stop();
    this.#deadline = deadline;
    this.#graceMs = graceMs;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#options.onEscalate?.(this.#graceMs);
      this.#options.signal('SIGKILL');
    }, Math.max(0, deadline - this.#now()));
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}
