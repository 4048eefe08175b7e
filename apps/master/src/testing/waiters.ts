/**
 * Waiting in tests for something that events make true: `until(check)` resolves with the first value `check`
 * gives other than undefined, re-checking each time `notify()` is called (on every event the test double
 * records), and rejects after a timeout with a message that says what was awaited.
 */
export class Waiters {
  private readonly pending = new Set<() => void>();

  /** Re-checks every pending wait; call after each recorded event. */
  notify(): void {
    for (const waiter of [...this.pending]) waiter();
  }

  /** Resolves with `check()`'s first defined value; `timeoutMessage` is called only when the wait times out. */
  until<T>(check: () => T | undefined, timeoutMs: number, timeoutMessage: () => string): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        this.pending.delete(waiter);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.pending.delete(waiter);
        reject(new Error(timeoutMessage()));
      }, timeoutMs);
      this.pending.add(waiter);
    });
  }
}
