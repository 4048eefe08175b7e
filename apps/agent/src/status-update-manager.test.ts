import { TaskState, type internal } from '@mesos-ts/proto';
import { StatusUpdateManager, uuidKey, type Timers } from './status-update-manager';

/** A fake clock with timers the test advances by hand. */
class FakeTimers implements Timers {
  now = 0;
  #next = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): number {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.#timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = until;
  }

  get pending(): number {
    return this.#timers.size;
  }
}

let uuidCounter = 0;
function update(taskId: string, state: TaskState, frameworkId = 'fw-1'): internal.StatusUpdate {
  const uuid = Buffer.alloc(16);
  uuid.writeUInt32BE(++uuidCounter, 12);
  return { frameworkId: { value: frameworkId }, status: { taskId: { value: taskId }, state, uuid }, timestamp: 1 };
}

function setup(): { sum: StatusUpdateManager; timers: FakeTimers; sent: Array<{ at: number; task: string; state: string }> } {
  const timers = new FakeTimers();
  const sent: Array<{ at: number; task: string; state: string }> = [];
  const sum = new StatusUpdateManager({
    timers,
    forward: (u) => sent.push({ at: timers.now, task: u.status!.taskId!.value!, state: TaskState[u.status!.state!]! }),
  });
  return { sum, timers, sent };
}

describe('StatusUpdateManager', () => {
  it('forwards only the head of each task stream, in order, and the next one after its acknowledgement', () => {
    const { sum, sent } = setup();
    const running = update('t1', TaskState.TASK_RUNNING);
    const finished = update('t1', TaskState.TASK_FINISHED);
    const other = update('t2', TaskState.TASK_RUNNING);
    expect(sum.update(running)).toEqual({ ok: true, value: 'accepted' });
    expect(sum.update(finished)).toEqual({ ok: true, value: 'accepted' });
    expect(sum.update(other)).toEqual({ ok: true, value: 'accepted' });
    // t1's TASK_FINISHED waits behind its TASK_RUNNING; t2 is another stream.
    expect(sent.map((s) => `${s.task}:${s.state}`)).toEqual(['t1:TASK_RUNNING', 't2:TASK_RUNNING']);

    const acked = sum.acknowledge('fw-1', 't1', running.status!.uuid!);
    expect(acked.ok && acked.value.terminal).toBe(false);
    expect(sent.map((s) => `${s.task}:${s.state}`)).toEqual(['t1:TASK_RUNNING', 't2:TASK_RUNNING', 't1:TASK_FINISHED']);
    expect(sum.pending('fw-1', 't1').map((u) => u.status?.state)).toEqual([TaskState.TASK_FINISHED]);

    const terminal = sum.acknowledge('fw-1', 't1', finished.status!.uuid!);
    expect(terminal.ok && terminal.value.terminal).toBe(true);
    expect(sum.has('fw-1', 't1')).toBe(false);
    expect(sum.size).toBe(1);
  });

  it('retries an unacknowledged head after 10 s, doubling to at most 10 min', () => {
    const { sum, timers, sent } = setup();
    sum.update(update('t1', TaskState.TASK_RUNNING));
    timers.advance(9_999);
    expect(sent).toHaveLength(1);
    timers.advance(1);
    expect(sent.map((s) => s.at)).toEqual([0, 10_000]);
    // 10 s, then 20, 40, 80, 160, 320, 600 (capped), 600 ...
    timers.advance(2_000_000);
    const gaps = sent.slice(1).map((s, i) => s.at - sent[i]!.at);
    expect(gaps.slice(0, 8)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000, 600_000]);
  });

  it('stops retrying once acknowledged, and restarts at 10 s for the next update', () => {
    const { sum, timers, sent } = setup();
    const first = update('t1', TaskState.TASK_RUNNING);
    sum.update(first);
    sum.update(update('t1', TaskState.TASK_KILLED));
    timers.advance(30_000); // resent at 10 s and 30 s
    expect(sent).toHaveLength(3);
    sum.acknowledge('fw-1', 't1', first.status!.uuid!);
    expect(sent[3]).toMatchObject({ at: 30_000, state: 'TASK_KILLED' });
    timers.advance(10_000);
    expect(sent[4]).toMatchObject({ at: 40_000, state: 'TASK_KILLED' });
    expect(sent.filter((s) => s.state === 'TASK_RUNNING')).toHaveLength(3);
  });

  it('ignores duplicates, including updates already acknowledged', () => {
    const { sum, sent } = setup();
    const running = update('t1', TaskState.TASK_RUNNING);
    sum.update(running);
    expect(sum.update({ ...running })).toEqual({ ok: true, value: 'duplicate' });
    expect(sum.pending('fw-1', 't1')).toHaveLength(1);
    sum.acknowledge('fw-1', 't1', running.status!.uuid!);
    // The stream is still open (not terminal): a resend of the acknowledged update changes nothing.
    sum.update(update('t1', TaskState.TASK_RUNNING));
    expect(sum.update(running)).toEqual({ ok: true, value: 'duplicate' });
    expect(sent).toHaveLength(2);
  });

  it('refuses anything after a terminal update, and bad acknowledgements', () => {
    const { sum } = setup();
    const failed = update('t1', TaskState.TASK_FAILED);
    sum.update(failed);
    const after = sum.update(update('t1', TaskState.TASK_RUNNING));
    expect(after.ok).toBe(false);
    if (!after.ok) expect(after.error.message).toBe("Task 't1' of framework 'fw-1' already has the terminal update TASK_FAILED; refusing TASK_RUNNING");

    const wrong = sum.acknowledge('fw-1', 't1', Buffer.alloc(16, 7));
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.message).toContain(`expecting ${uuidKey(failed.status!.uuid!)}`);
    const unknown = sum.acknowledge('fw-1', 'nope', failed.status!.uuid!);
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.code).toBe('NOT_FOUND');

    expect(sum.acknowledge('fw-1', 't1', failed.status!.uuid!).ok).toBe(true);
    // Acknowledged twice: the stream is gone.
    expect(sum.acknowledge('fw-1', 't1', failed.status!.uuid!).ok).toBe(false);
  });

  it('rejects updates without the fields it keys on', () => {
    const { sum } = setup();
    const noUuid = update('t1', TaskState.TASK_RUNNING);
    delete noUuid.status!.uuid;
    const r = sum.update(noUuid);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe("Task status update for task 't1' is missing 'uuid'");
    const noFramework = update('t1', TaskState.TASK_RUNNING);
    delete noFramework.frameworkId;
    const r2 = sum.update(noFramework);
    if (!r2.ok) expect(r2.error.message).toContain("'framework_id'");
    expect(r2.ok).toBe(false);
  });

  it('sends nothing while paused and resends every head on resume', () => {
    const { sum, timers, sent } = setup();
    sum.pause();
    sum.update(update('t1', TaskState.TASK_RUNNING));
    sum.update(update('t2', TaskState.TASK_RUNNING));
    timers.advance(60_000);
    expect(sent).toHaveLength(0);
    expect(timers.pending).toBe(0);
    sum.resume();
    expect(sent.map((s) => s.task).sort()).toEqual(['t1', 't2']);
    // Pausing again stops the retries.
    sum.pause();
    timers.advance(60_000);
    expect(sent).toHaveLength(2);
    sum.resume();
    expect(sent).toHaveLength(4);
  });

  it('drops a framework\'s streams on cleanup', () => {
    const { sum, timers, sent } = setup();
    sum.update(update('t1', TaskState.TASK_RUNNING, 'fw-a'));
    sum.update(update('t2', TaskState.TASK_RUNNING, 'fw-b'));
    sum.cleanup('fw-a');
    expect(sum.has('fw-a', 't1')).toBe(false);
    timers.advance(10_000);
    expect(sent.map((s) => s.task)).toEqual(['t1', 't2', 't2']);
  });
});
