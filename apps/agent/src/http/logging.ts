/**
 * The agent's verbosity, as glog's `--v` that GET_LOGGING_LEVEL / SET_LOGGING_LEVEL read and change (Mesos's
 * `Logging::set_level`): a level other than the original one holds for `duration`, then the original returns.
 * glog levels map to pino's: 0 -> info, 1 -> debug, 2 and above -> trace.
 */
import type { Logger } from '../log';

/** glog verbosity -> pino level. */
export function pinoLevelOf(level: number): 'info' | 'debug' | 'trace' {
  return level <= 0 ? 'info' : level === 1 ? 'debug' : 'trace';
}

/** See the module comment. */
export class LoggingLevel {
  readonly #log: Logger;
  readonly #original: number;
  #level: number;
  #revert: NodeJS.Timeout | undefined;

  constructor(log: Logger, original = 0) {
    this.#log = log;
    this.#original = original;
    this.#level = original;
  }

  /** The current glog verbosity. */
  get level(): number {
    return this.#level;
  }

  /** Sets `level`; unless it is the original level, the original returns after `durationMs`. */
  set(level: number, durationMs: number): void {
    clearTimeout(this.#revert);
    this.#revert = undefined;
    this.#apply(level);
    if (level === this.#original) return;
    // setTimeout holds at most ~24.8 days; a longer duration is capped there (then reverts).
    this.#revert = setTimeout(() => {
      this.#revert = undefined;
      this.#apply(this.#original);
    }, Math.min(Math.max(0, durationMs), 2 ** 31 - 1));
    this.#revert.unref();
  }

  /** Stops the pending revert (the agent stops). */
  close(): void {
    clearTimeout(this.#revert);
    this.#revert = undefined;
  }

  #apply(level: number): void {
    this.#level = level;
    this.#log.setLevel?.(pinoLevelOf(level));
    this.#log.info(`Logging level set to ${level}`);
  }
}
