import { err, ok } from '@mesos-ts/errors';
import { HealthCheck_Type, type HealthCheck } from '@mesos-ts/proto';
import { HealthChecker, type TaskHealthStatus } from './health-checker';
import type { CheckOutcome } from './health-checks';

const PASS: CheckOutcome = ok(undefined);
const FAIL: CheckOutcome = err('Command exited with status 1');

/** A checker whose checks return `script` in order (then keep returning the last), on fake timers. */
function scripted(check: Partial<HealthCheck>, script: CheckOutcome[]) {
  const reports: TaskHealthStatus[] = [];
  const runs: number[] = [];
  const timeouts: (number | undefined)[] = [];
  let i = 0;
  const created = HealthChecker.create(
    { type: HealthCheck_Type.COMMAND, command: { value: 'true' }, ...check },
    {
      taskId: 't1',
      onUpdate: (status) => reports.push(status),
      runner: (timeoutMs) => {
        runs.push(Date.now());
        timeouts.push(timeoutMs);
        const outcome = script[Math.min(i, script.length - 1)] ?? PASS;
        i += 1;
        return Promise.resolve(outcome);
      },
    },
  );
  if (!created.ok) throw new Error(created.error);
  return { checker: created.value, reports, runs, timeouts };
}

describe('HealthChecker', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it("uses Mesos's defaults: first check after 15 s, then every 10 s, 20 s timeout", async () => {
    const { checker, runs, timeouts } = scripted({}, [PASS]);
    checker.start();
    await jest.advanceTimersByTimeAsync(14_999);
    expect(runs).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await jest.advanceTimersByTimeAsync(20_000);
    expect(runs).toEqual([15_000, 25_000, 35_000]);
    expect(timeouts).toEqual([20_000, 20_000, 20_000]);
    checker.stop();
  });

  it('reports healthy on the first success and after failures only; counts failures and asks for the kill', async () => {
    const { checker, reports } = scripted({ delaySeconds: 0, intervalSeconds: 1, gracePeriodSeconds: 0, consecutiveFailures: 3 }, [PASS, PASS, FAIL, FAIL, PASS, FAIL, FAIL, FAIL]);
    checker.start();
    await jest.advanceTimersByTimeAsync(7_000);
    checker.stop();
    expect(reports.map((r) => [r.healthy, r.consecutiveFailures, r.killTask])).toEqual([
      [true, 0, false],
      [false, 1, false],
      [false, 2, false],
      [true, 0, false],
      [false, 1, false],
      [false, 2, false],
      [false, 3, true],
    ]);
  });

  it('ignores failures during the grace period until the first success', async () => {
    const { checker, reports } = scripted({ delaySeconds: 0, intervalSeconds: 1, gracePeriodSeconds: 2.5, consecutiveFailures: 1 }, [FAIL, FAIL, FAIL, FAIL]);
    checker.start();
    await jest.advanceTimersByTimeAsync(2_000);
    expect(reports).toEqual([]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(reports).toEqual([{ taskId: 't1', healthy: false, consecutiveFailures: 1, killTask: true }]);
    checker.stop();
  });

  it('after a success, the grace period no longer hides failures', async () => {
    const { checker, reports } = scripted({ delaySeconds: 0, intervalSeconds: 1, gracePeriodSeconds: 100 }, [PASS, FAIL]);
    checker.start();
    await jest.advanceTimersByTimeAsync(1_000);
    checker.stop();
    expect(reports.map((r) => r.healthy)).toEqual([true, false]);
  });

  it('pause stops checking; resume checks at once; a timeout of 0 means none', async () => {
    const { checker, runs, timeouts } = scripted({ delaySeconds: 0, intervalSeconds: 1, timeoutSeconds: 0 }, [PASS]);
    checker.start();
    await jest.advanceTimersByTimeAsync(0);
    checker.pause();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(runs).toEqual([0]);
    checker.resume();
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toEqual([0, 5_000]);
    expect(timeouts[0]).toBeUndefined();
    checker.stop();
  });

  it("refuses a malformed check with Mesos's message", () => {
    const create = (check: HealthCheck) => HealthChecker.create(check, { taskId: 't', onUpdate: () => undefined });
    expect(create({})).toEqual({ ok: false, error: "HealthCheck must specify 'type'" });
    expect(create({ type: HealthCheck_Type.COMMAND })).toEqual({ ok: false, error: "Expecting 'command' to be set for COMMAND health check" });
    expect(create({ type: HealthCheck_Type.COMMAND, command: { shell: false } })).toEqual({ ok: false, error: "Command health check must contain 'executable path'" });
    expect(create({ type: HealthCheck_Type.HTTP, http: { port: 80, scheme: 'ftp' } })).toEqual({ ok: false, error: "Unsupported HTTP health check scheme: 'ftp'" });
    expect(create({ type: HealthCheck_Type.HTTP, http: { port: 80, path: 'health' } })).toEqual({ ok: false, error: "The path 'health' of HTTP health check must start with '/'" });
    expect(create({ type: HealthCheck_Type.TCP })).toEqual({ ok: false, error: "Expecting 'tcp' to be set for TCP health check" });
    expect(create({ type: HealthCheck_Type.UNKNOWN })).toEqual({ ok: false, error: "'UNKNOWN' is not a valid health check type" });
    expect(create({ type: HealthCheck_Type.TCP, tcp: { port: 1 }, intervalSeconds: -1 })).toEqual({ ok: false, error: "Expecting 'interval_seconds' to be non-negative" });
  });
});
