import { KillEscalation } from './kill-escalation';

describe('KillEscalation', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  function escalation(): { kill: KillEscalation; signals: string[] } {
    const signals: string[] = [];
    const kill = new KillEscalation({ signal: (s) => signals.push(s) });
    return { kill, signals };
  }

  it('sends SIGTERM at once and SIGKILL when the grace period is over', () => {
    const { kill, signals } = escalation();
    kill.start(3000);
    expect(signals).toEqual(['SIGTERM']);
    jest.advanceTimersByTime(2999);
    expect(signals).toEqual(['SIGTERM']);
    jest.advanceTimersByTime(1);
    expect(signals).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('a later kill never extends the grace period, and a retry is a no-op', () => {
    const { kill, signals } = escalation();
    kill.start(20_000);
    jest.advanceTimersByTime(1000);
    expect(kill.shorten(30_000)).toBe(false);
    expect(kill.shorten(20_000)).toBe(false);
    kill.start(1);
    expect(signals).toEqual(['SIGTERM']);
    jest.advanceTimersByTime(18_999);
    expect(signals).toEqual(['SIGTERM']);
    jest.advanceTimersByTime(1);
    expect(signals).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('a shorter one counts from the first SIGTERM: later if time is left, at once if not', () => {
    const first = escalation();
    first.kill.start(20_000);
    jest.advanceTimersByTime(2000);
    expect(first.kill.shorten(5000)).toBe(true);
    jest.advanceTimersByTime(2999);
    expect(first.signals).toEqual(['SIGTERM']);
    jest.advanceTimersByTime(1);
    expect(first.signals).toEqual(['SIGTERM', 'SIGKILL']);

    const second = escalation();
    second.kill.start(20_000);
    jest.advanceTimersByTime(8000);
    expect(second.kill.shorten(5000)).toBe(true);
    jest.advanceTimersByTime(0);
    expect(second.signals).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('stop() cancels the SIGKILL', () => {
    const { kill, signals } = escalation();
    kill.start(100);
    kill.stop();
    jest.advanceTimersByTime(1000);
    expect(signals).toEqual(['SIGTERM']);
  });
});
