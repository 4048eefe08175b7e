/** Where the progress line goes (stderr). */
export interface WaitProgressOutput {
  write(text: string): void;
  readonly isTTY?: boolean | undefined;
}

/** Options of {@link createWaitProgress}. */
export interface WaitProgressOptions {
  /** Nothing is drawn for answers faster than this (most are). Default 300 ms. */
  readonly delayMs?: number;
  /** Redraw period. Default 150 ms. */
  readonly tickMs?: number;
  readonly now?: () => number;
}

const FRAMES = ['|', '/', '-', '\\'];

/**
 * A progress line on stderr while the CLI waits on the master or an agent: `| Waiting for the master to answer
 * GET_STATE (3s)`, redrawn in place and erased when the answer comes. Only on a terminal: piped or redirected
 * stderr gets nothing, so scripts and logs stay clean.
 *
 * @returns a function that starts showing `what` and returns the function that stops it (the shape
 *   {@link OperatorClient} takes as `progress`); `undefined` when `out` is not a terminal.
 */
export function createWaitProgress(out: WaitProgressOutput, options: WaitProgressOptions = {}): ((what: string) => () => void) | undefined {
  if (out.isTTY !== true) return undefined;
  const delayMs = options.delayMs ?? 300;
  const tickMs = options.tickMs ?? 150;
  const now = options.now ?? Date.now;
  return (what) => {
    const started = now();
    let frame = 0;
    let drawn = false;
    let interval: NodeJS.Timeout | undefined;
    const draw = (): void => {
      drawn = true;
      const seconds = Math.floor((now() - started) / 1000);
      out.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]!} ${what}${seconds > 0 ? ` (${seconds}s)` : ''}`);
    };
    const delay = setTimeout(() => {
      draw();
      interval = setInterval(draw, tickMs);
      interval.unref();
    }, delayMs);
    delay.unref();
    return () => {
      clearTimeout(delay);
      if (interval !== undefined) clearInterval(interval);
      if (drawn) out.write('\r\x1b[2K');
    };
  };
}
