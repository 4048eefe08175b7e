/** Where progress goes: stderr, so stdout stays the status updates scripts read. */
export interface ProgressOutput {
  write(text: string): void;
  /** On a terminal the line is redrawn in place; elsewhere a line is printed now and then. */
  readonly isTTY?: boolean | undefined;
}

/** Options of {@link OfferProgress}. */
export interface OfferProgressOptions {
  /** Redraw period on a terminal. Default 250 ms. */
  readonly tickMs?: number;
  /** Period of the "still waiting" line when not on a terminal. Default 10 s. */
  readonly reportEveryMs?: number;
  readonly now?: () => number;
}

const SPINNER = ['|', '/', '-', '\\'];

/**
 * Shows that `mesos execute` is waiting for an offer that fits: how long, how many offers were declined and
 * why the last one did not fit. On a terminal it is one line redrawn in place (and erased when done); in a
 * log it is a line at the start and one every `reportEveryMs`.
 */
export class OfferProgress {
  readonly #out: ProgressOutput;
  readonly #what: string;
  readonly #tickMs: number;
  readonly #reportEveryMs: number;
  readonly #now: () => number;
  #started = 0;
  #timer: NodeJS.Timeout | undefined;
  #declined = 0;
  #lastReason: string | undefined;
  #frame = 0;
  #lastReport = 0;

  constructor(out: ProgressOutput, what: string, options: OfferProgressOptions = {}) {
    this.#out = out;
    this.#what = what;
    this.#tickMs = options.tickMs ?? 250;
    this.#reportEveryMs = options.reportEveryMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Starts showing progress (idempotent). */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#started = this.#now();
    this.#lastReport = this.#started;
    if (this.#out.isTTY !== true) this.#out.write(`Waiting for an offer that fits ${this.#what}\n`);
    this.#timer = setInterval(() => this.#tick(), this.#out.isTTY === true ? this.#tickMs : Math.min(this.#tickMs * 4, this.#reportEveryMs));
    this.#timer.unref();
    this.#tick();
  }

  /** Counts an offer that did not fit, and why. */
  declined(reason: string): void {
    this.#declined += 1;
    this.#lastReason = reason;
  }

  /** Stops and, on a terminal, erases the line. */
  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#out.isTTY === true) this.#out.write('\r\x1b[2K');
  }

  #summary(): string {
    const seconds = Math.floor((this.#now() - this.#started) / 1000);
    const declined = this.#declined === 0 ? 'no offer yet' : `${this.#declined} offer${this.#declined === 1 ? '' : 's'} declined, last: ${this.#lastReason ?? ''}`;
    return `${seconds}s, ${declined}`;
  }

  #tick(): void {
    if (this.#out.isTTY === true) {
      const frame = SPINNER[this.#frame++ % SPINNER.length]!;
      this.#out.write(`\r\x1b[2K${frame} Waiting for an offer that fits ${this.#what} (${this.#summary()})`);
      return;
    }
    const now = this.#now();
    if (now - this.#lastReport >= this.#reportEveryMs) {
      this.#lastReport = now;
      this.#out.write(`Still waiting for an offer (${this.#summary()})\n`);
    }
  }
}
