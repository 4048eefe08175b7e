/**
 * Why a command failed, for the person running it: one line (the command prints it as `mesos <cmd>: <message>`)
 * and the exit code. Thrown by the operator client and the commands; caught once, in `runAction`.
 */
export class CommandFailure extends Error {
  /** The master's or agent's HTTP status, when the failure is an HTTP error. */
  readonly status: number | undefined;
  readonly exitCode: number;

  constructor(message: string, status?: number, exitCode = 1) {
    super(message);
    this.name = 'CommandFailure';
    this.status = status;
    this.exitCode = exitCode;
  }
}

/** One line, not too long: error bodies can be pages of HTML. */
export function oneLine(text: string, max = 400): string {
  const line = text.replace(/\s*\n\s*/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

/**
 * The innermost useful message of a connection error: fetch wraps it as `fetch failed` with a `cause`, dual-stack
 * connects aggregate it. Duck typed, since errors from Node's internals may come from another realm under a
 * test runner and fail `instanceof Error`.
 */
export function causeText(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const e = error as { message?: unknown; code?: unknown; name?: unknown; errors?: unknown; cause?: unknown };
  if (Array.isArray(e.errors) && e.errors.length > 0) return causeText(e.errors[0]);
  if (e.cause !== undefined && e.message === 'fetch failed') return causeText(e.cause);
  if (typeof e.message === 'string' && e.message !== '') return e.message;
  if (typeof e.code === 'string') return e.code;
  return typeof e.name === 'string' ? e.name : String(error);
}
