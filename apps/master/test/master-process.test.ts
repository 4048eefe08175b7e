/**
 * Runs the real `mesos-master` as a child process: from sources through tsx by default, or the binary named by
 * MESOS_MASTER_BIN (e.g. `dist/main.js` after `npx tsup`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, waitForHttp } from '@mesos-ts/http-api/testing';

const APP = resolve(__dirname, '..');
const TSX = resolve(APP, '../../node_modules/.bin/tsx');

function command(args: string[]): [string, string[]] {
  const bin = process.env['MESOS_MASTER_BIN'];
  if (bin) return [process.execPath, [resolve(APP, bin), ...args]];
  return [TSX, ['--conditions=@mesos-ts/source', join(APP, 'src/main.ts'), ...args]];
}

function run(args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => { stdout: string; stderr: string } } {
  const [cmd, argv] = command(args);
  const child = spawn(cmd, argv, { cwd: APP, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, output: () => ({ stdout, stderr }) };
}

function exited(child: ChildProcess): Promise<number | null> {
  // 'close' (not 'exit'): the child's stdout and stderr have been read to the end too.
  if (child.exitCode !== null && child.stdout?.readableEnded && child.stderr?.readableEnded) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('close', (code) => done(code)));
}



describe('mesos-master process', () => {
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'mesos-master-test-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('serves /health, /version, /flags and /metrics/snapshot, and stops on SIGTERM', async () => {
    const port = await freePort();
    const master = run(['--ip=127.0.0.1', `--port=${port}`, `--work_dir=${join(workDir, 'w')}`, '--allocation_interval=100ms'], {
      MESOS_MAX_COMPLETED_FRAMEWORKS: '7',
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      const health = await waitForHttp(`${base}/health`, 20_000);
      expect(health.status).toBe(200);
      expect(await health.text()).toBe('');

      const version = await fetch(`${base}/version`);
      expect(version.headers.get('content-type')).toBe('application/json');
      const v = (await version.json()) as Record<string, unknown>;
      expect(v['version']).toBe('1.11.0');
      expect(v['mesos_ts_version']).toMatch(/^\d+\.\d+\.\d+$/);
      expect(typeof v['build_time']).toBe('number');
      expect(typeof v['build_date']).toBe('string');
      expect(typeof v['build_user']).toBe('string');

      for (const path of ['/flags', '/master/flags']) {
        const flags = (await (await fetch(`${base}${path}`)).json()) as { flags: Record<string, string> };
        expect(flags.flags).toMatchObject({
          ip: '127.0.0.1',
          port: String(port),
          work_dir: join(workDir, 'w'),
          allocation_interval: '100ms',
          max_completed_frameworks: '7',
          min_allocatable_resources: 'cpus:0.01|mem:32',
        });
        for (const value of Object.values(flags.flags)) expect(typeof value).toBe('string');
      }

      // Let a periodic allocation run happen.
      await new Promise((r) => setTimeout(r, 300));
      const metrics = (await (await fetch(`${base}/metrics/snapshot`)).json()) as Record<string, number>;
      expect(metrics['master/elected']).toBe(1);
      expect(metrics['master/uptime_secs']).toBeGreaterThan(0);
      expect(metrics['allocator/mesos/allocation_runs']).toBeGreaterThanOrEqual(1);
      expect(metrics['allocator/mesos/resources/cpus/total']).toBe(0);
      for (const value of Object.values(metrics)) expect(typeof value).toBe('number');

      const jsonp = await fetch(`${base}/version?jsonp=cb`);
      expect(jsonp.headers.get('content-type')).toBe('text/javascript');
      const text = await jsonp.text();
      expect(text).toMatch(/^cb\(\{.*\}\)$/);
      expect(JSON.parse(text.slice(3, -1))).toEqual(v);
      expect(await (await fetch(`${base}/flags?jsonp=f`)).text()).toMatch(/^f\(\{"flags":\{/);

      const post = await fetch(`${base}/flags`, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET');
      expect(await post.text()).toBe("405 Method Not Allowed. Expecting one of { 'GET' }, but received 'POST'.");

      const missing = await fetch(`${base}/no/such/endpoint`);
      expect(missing.status).toBe(404);
    } finally {
      master.child.kill('SIGTERM');
    }
    expect(await exited(master.child)).toBe(0);
    expect(master.output().stderr).toContain('Master started on 127.0.0.1:');
  });

  it('prints --help and exits 0', async () => {
    const p = run(['--help']);
    expect(await exited(p.child)).toBe(0);
    expect(p.output().stdout).toMatch(/^Usage: mesos-master \[options\]/);
    expect(p.output().stdout).toContain('--allocation_interval=VALUE');
  });

  it('exits 1 with the flag error on stderr for --port=abc', async () => {
    const p = run(['--port=abc']);
    expect(await exited(p.child)).toBe(1);
    expect(p.output().stderr).toBe(
      "Failed to load flag 'port': Failed to load value 'abc': Failed to convert into required type\n\nSee `mesos-master --help` for a list of supported flags.\n",
    );
  });
});
