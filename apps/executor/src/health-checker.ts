/**
 * A task's health checker, with Mesos's semantics (src/checks/health_checker.cpp, docs/health-checks.md):
 *
 * - the first check runs `delay_seconds` after the checker starts (default 15), each next one
 *   `interval_seconds` after the previous finished (default 10); a check taking longer than `timeout_seconds`
 *   (default 20; 0 means no limit) fails;
 * - failures during `grace_period_seconds` (default 10, counted from the start) are ignored until the first
 *   success;
 * - every counted failure reports `healthy: false` with the number of failures in a row, and asks for the task to
 *   be killed once that number reaches `consecutive_failures` (default 3);
 * - a success reports `healthy: true` only when it changes something: the first success, and the first one after
 *   failures.
 *
 * What the executor does with a report (a TASK_RUNNING update, a kill) is the caller's business.
 */
import { err, ok, type Result } from '@mesos-ts/errors';
import type { HealthCheck } from '@mesos-ts/proto';
import { checkRunner, validateHealthCheck, type CheckOutcome, type CheckRunner } from './health-checks';

/** What the checker reports (Mesos's `TaskHealthStatus`). */
export interface TaskHealthStatus {
  readonly taskId: string;
  readonly healthy: boolean;
  /** Failures in a row so far (0 when healthy). */
  readonly consecutiveFailures: number;
  /** Whether the task should now be killed. */
  readonly killTask: boolean;
}

export interface HealthCheckerOptions {
  readonly taskId: string;
  /** Called with each report. */
  readonly onUpdate: (status: TaskHealthStatus) => void;
  /** The environment COMMAND checks start from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Runs one check; default: the one `HealthCheck.type` names. Tests inject their own. */
  readonly runner?: CheckRunner;
  /** Told about each failure (counted or ignored). */
  readonly onFailure?: (reason: string, counted: boolean) => void;
  /** The clock; default `Date.now`. */
  readonly now?: () => number;
}

const DEFAULTS = { delaySeconds: 15, intervalSeconds: 10, timeoutSeconds: 20, consecutiveFailures: 3, gracePeriodSeconds: 10 } as const;

/** Runs a task's health check periodically once started; see the module comment for the rules. */
export class HealthChecker {
  readonly #options: HealthCheckerOptions;
  readonly #runner: CheckRunner;
  readonly #delayMs: number;
  readonly #intervalMs: number;
  readonly #timeoutMs: number | undefined;
  readonly #gracePeriodMs: number;
  readonly #maxFailures: number;
  #startedAt: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #paused = false;
  #stopped = false;
  #running = false;
  #initializing = true;
  #failures = 0;

  private constructor(check: HealthCheck, options: HealthCheckerOptions) {
    this.#options = options;
    this.#runner = options.runner ?? checkRunner(check, options.env ?? process.env);
    this.#delayMs = (check.delaySeconds ?? DEFAULTS.delaySeconds) * 1000;
    this.#intervalMs = (check.intervalSeconds ?? DEFAULTS.intervalSeconds) * 1000;
    const timeout = check.timeoutSeconds ?? DEFAULTS.timeoutSeconds;
    this.#timeoutMs = timeout > 0 ? timeout * 1000 : undefined;
    this.#gracePeriodMs = (check.gracePeriodSeconds ?? DEFAULTS.gracePeriodSeconds) * 1000;
    this.#maxFailures = check.consecutiveFailures ?? DEFAULTS.consecutiveFailures;
  }

  /** A checker for `check`, or Mesos's validation message when the check is malformed. Not started yet. */
  static create(check: HealthCheck, options: HealthCheckerOptions): Result<HealthChecker, string> {
    const problem = validateHealthCheck(check);
    if (problem !== undefined) return err(problem);
    return ok(new HealthChecker(check, options));
  }

  /** Failures in a row so far. */
  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** Starts the clock of the grace period and schedules the first check after the delay. */
  start(): void {
    if (this.#startedAt !== undefined || this.#stopped) return;
    this.#startedAt = this.#now();
    this.#schedule(this.#delayMs);
  }

  /** Stops checking for now; a check in flight is ignored when it returns. */
  pause(): void {
    this.#paused = true;
    this.#clear();
  }

  /** Resumes a paused checker with a check at once. */
  resume(): void {
    if (!this.#paused || this.#stopped) return;
    this.#paused = false;
    if (this.#startedAt !== undefined && !this.#running) this.#schedule(0);
  }

  /** Stops for good. */
  stop(): void {
    this.#stopped = true;
    this.#clear();
  }

  #schedule(delayMs: number): void {
    this.#clear();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#perform();
    }, delayMs);
  }

  #clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #perform(): Promise<void> {
    if (this.#paused || this.#stopped) return;
    this.#running = true;
    let outcome: CheckOutcome;
    try {
      outcome = await this.#runner(this.#timeoutMs);
    } catch (error) {
      outcome = err(`Health check failed: ${String(error)}`);
    }
    this.#running = false;
    if (this.#stopped) return;
    // Paused while the check ran: its result is ignored, and resume() schedules the next one.
    if (this.#paused) return;
    if (outcome.ok) this.#success();
    else this.#failure(outcome.error);
    if (!this.#paused && !this.#stopped) this.#schedule(this.#intervalMs);
  }

  #failure(reason: string): void {
    const elapsed = this.#now() - (this.#startedAt ?? 0);
    if (this.#initializing && this.#gracePeriodMs > 0 && elapsed <= this.#gracePeriodMs) {
      this.#options.onFailure?.(reason, false);
      return;
    }
    this.#failures += 1;
    this.#options.onFailure?.(reason, true);
    this.#options.onUpdate({
      taskId: this.#options.taskId,
      healthy: false,
      consecutiveFailures: this.#failures,
      killTask: this.#failures >= this.#maxFailures,
    });
  }

  #success(): void {
    if (this.#initializing || this.#failures > 0) {
      this.#options.onUpdate({ taskId: this.#options.taskId, healthy: true, consecutiveFailures: 0, killTask: false });
      this.#initializing = false;
    }
    this.#failures = 0;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}
