import { lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createExecutorRunDir, executorRunDir, forgetAgentId, isSafeId, latestAgentPath, readAgentId, writeAgentId } from './paths';

describe('work_dir layout', () => {
  let workDir: string;
  beforeEach(() => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'agent-paths-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  it('lays sandboxes out as Mesos does, with runs/latest pointing at the current run', () => {
    const ids = { agentId: 'M-S0', frameworkId: 'M-0001', executorId: 'exec.1', containerId: 'c-1' };
    const first = createExecutorRunDir(workDir, ids);
    expect(first).toEqual({ ok: true, value: path.join(workDir, 'slaves/M-S0/frameworks/M-0001/executors/exec.1/runs/c-1') });
    expect(executorRunDir(workDir, 'M-S0', 'M-0001', 'exec.1', 'c-1')).toBe(first.ok && first.value);
    const latest = path.join(workDir, 'slaves/M-S0/frameworks/M-0001/executors/exec.1/runs/latest');
    expect(readlinkSync(latest)).toBe(first.ok && first.value);
    // A second run of the same executor ID moves `latest`.
    const second = createExecutorRunDir(workDir, { ...ids, containerId: 'c-2' });
    expect(readlinkSync(latest)).toBe(second.ok && second.value);
    expect(lstatSync(first.ok ? first.value : '').isDirectory()).toBe(true);
  });

  it('refuses IDs that are not usable as one path component', () => {
    for (const bad of ['', '.', '..', 'a/b', 'a\\b', 'tab\there', 'x'.repeat(256)]) {
      expect(isSafeId(bad)).toBe(false);
      const r = createExecutorRunDir(workDir, { agentId: 'S', frameworkId: 'F', executorId: bad, containerId: 'c' });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toContain('Invalid executorId');
    }
    expect(isSafeId('task-1.a_b:c')).toBe(true);
  });

  it('persists the agent ID as meta/slaves/latest -> meta/slaves/<id>, and forgets it', () => {
    expect(readAgentId(workDir)).toEqual({ ok: true, value: undefined });
    expect(writeAgentId(workDir, 'M1-S0').ok).toBe(true);
    expect(readlinkSync(latestAgentPath(workDir))).toBe(path.join(workDir, 'meta/slaves/M1-S0'));
    expect(writeAgentId(workDir, 'M2-S5').ok).toBe(true);
    expect(readAgentId(workDir)).toEqual({ ok: true, value: 'M2-S5' });
    forgetAgentId(workDir);
    expect(readAgentId(workDir)).toEqual({ ok: true, value: undefined });
    expect(writeAgentId(workDir, '../evil').ok).toBe(false);
  });

  it('also reads an ID written into a plain file, and rejects a bad one', () => {
    mkdirSync(path.join(workDir, 'meta/slaves'), { recursive: true });
    writeFileSync(latestAgentPath(workDir), 'HAND-S1\n');
    expect(readAgentId(workDir)).toEqual({ ok: true, value: 'HAND-S1' });
    writeFileSync(latestAgentPath(workDir), '..\n');
    const bad = readAgentId(workDir);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain("Invalid agent ID '..'");
  });
});
