/** A stream the CLI writes to (stdout, stderr). */
export interface CliOutput {
  write(text: string): void;
  /** A terminal: progress is drawn in place there. */
  readonly isTTY?: boolean | undefined;
}

/**
 * Everything the commands take from the outside world, so that they run the same in the `mesos` binary and in
 * tests: the environment, the output streams, the user, file reading and Ctrl-C.
 */
export interface CliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** The OS user tasks run as (FrameworkInfo.user). */
  readonly user: string;
  /** Reads a UTF-8 file (flags that take `/path` or `file:///path`). */
  readonly readFile: (path: string) => string;
  /** Aborted on the first Ctrl-C (SIGINT) or SIGTERM. */
  readonly interrupt?: AbortSignal | undefined;
  /** Aborted on the second one. */
  readonly forceQuit?: AbortSignal | undefined;
}
