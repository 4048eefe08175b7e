import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Resources } from '@mesos-ts/resources';
import { detectResources, type OsFacts } from './resources';

const GB = 1024 ** 3;
const MB = 1024 ** 2;

function facts(cpus: number, memBytes: number, diskBytes: number): OsFacts {
  return { cpus: () => cpus, totalMemoryBytes: () => memBytes, filesystemSizeBytes: () => diskBytes };
}

function detect(flagsResources: string | undefined, f: OsFacts, defaultRole = '*', warnings: string[] = []): Resources {
  const r = detectResources({ flagsResources, defaultRole, workDir: '/w', os: f, onWarning: (w) => warnings.push(w) });
  if (!r.ok) throw r.error;
  return r.value;
}

describe('detectResources', () => {
  it('detects cpus, mem (total - 1GB), disk (total - 5GB) and default ports', () => {
    const r = detect(undefined, facts(8, 16 * GB, 100 * GB));
    expect(r.toString()).toBe('cpus:8; disk:97280; mem:15360; ports:[31000-32000]');
  });

  it('uses half of small memory and disks, truncated to whole MB', () => {
    const r = detect(undefined, facts(2, 2 * GB - 1, 10 * GB - 1));
    expect(r.mem()).toBe(Math.floor((2 * GB - 1) / 2 / MB)); // 1023
    expect(r.disk()).toBe(Math.floor((10 * GB - 1) / 2 / MB)); // 5119
  });

  it('takes 1GB off at exactly 2GB memory and 5GB off at exactly 10GB disk', () => {
    const r = detect(undefined, facts(1, 2 * GB, 10 * GB));
    expect(r.mem()).toBe(1024);
    expect(r.disk()).toBe(5120);
  });

  it("falls back to Mesos's defaults with a warning when facts are unavailable", () => {
    const warnings: string[] = [];
    const failing: OsFacts = {
      cpus: () => 0,
      totalMemoryBytes: () => {
        throw new Error('no /proc');
      },
      filesystemSizeBytes: () => {
        throw new Error('ENOENT');
      },
    };
    const r = detect(undefined, failing, '*', warnings);
    expect(r.toString()).toBe('cpus:1; disk:10240; mem:1024; ports:[31000-32000]');
    expect(warnings).toHaveLength(3);
    expect(warnings[1]).toContain("'no /proc'");
  });

  it('lets names in --resources replace detection, and keeps other names', () => {
    const r = detect('cpus:2;mem:512;gpus:1;foo:{a,b}', facts(8, 16 * GB, 100 * GB));
    expect(r.toString()).toBe('cpus:2; disk:97280; foo:{a, b}; gpus:1; mem:512; ports:[31000-32000]');
  });

  it('treats cpus:0 as given: no cpus at all', () => {
    const r = detect('cpus:0;ports:[5000-5001]', facts(8, 16 * GB, 100 * GB));
    expect(r.get('cpus')).toBeUndefined();
    expect(r.toString()).toBe('disk:97280; mem:15360; ports:[5000-5001]');
  });

  it('reads the JSON form', () => {
    const r = detect('[{"name":"mem","type":"SCALAR","scalar":{"value":0}},{"name":"disk","type":"SCALAR","scalar":{"value":100},"role":"eng"}]', facts(4, 16 * GB, 100 * GB));
    expect(r.toString()).toBe('cpus:4; disk(eng):100; ports:[31000-32000]');
  });

  it('gives detected and role-less resources the default role', () => {
    const r = detect('cpus(ops):1;mem:100', facts(4, 16 * GB, 100 * GB), 'eng');
    expect(r.toString()).toBe('cpus(ops):1; disk(eng):97280; mem(eng):100; ports(eng):[31000-32000]');
  });

  it('keeps a reserved and an unreserved entry of one name together and detects nothing for it', () => {
    const r = detect('cpus(eng):1;cpus:2', facts(8, 16 * GB, 100 * GB));
    expect(r.get('cpus')).toBe(3);
  });

  it.each([
    ['cpus:x', "'x' at offset 5"],
    ['cpus:4;ports:[31000-3200x]', "'3200x'"],
    ['cpus(a b):1', 'Invalid --resources'],
    ['[{"name":"cpus"', 'Invalid --resources'],
  ])('rejects --resources=%s naming the token', (text, message) => {
    const r = detectResources({ flagsResources: text, defaultRole: '*', workDir: '/w', os: facts(1, GB, GB) });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_ARGUMENT');
      expect(r.error.message).toContain(`Invalid --resources '${text}'`);
      expect(r.error.message).toContain(message);
    }
  });

  it('reads sane facts from the real machine', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'agent-res-'));
    try {
      const warnings: string[] = [];
      const r = detectResources({ defaultRole: '*', workDir: dir, onWarning: (w) => warnings.push(w) });
      if (!r.ok) throw r.error;
      expect(warnings).toEqual([]);
      expect(r.value.get('cpus')).toBe(os.cpus().length);
      expect(r.value.mem()).toBeGreaterThan(0);
      expect(r.value.mem()! * MB).toBeLessThan(os.totalmem());
      expect(r.value.disk()).toBeGreaterThan(0);
      expect(r.value.byName('ports').toString()).toBe('ports:[31000-32000]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
