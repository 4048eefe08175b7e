// Spawns the real `mesos-agent` (src/main.ts through tsx) and checks its life cycle from the outside.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, waitForHttp } from '@mesos-ts/http-api/testing';
import { internal } from '@mesos-ts/proto';
import { readAgentId } from '../src/paths';
import { FakeMaster } from './support/fake-master';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const MAIN = path.resolve(__dirname, '../src/main.ts');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startAgent(args: string[]): { child: ChildProcess; exited: Promise<Exit>; output: () => string } {
  // No MESOS_* from the test's own environment may leak into the flags.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MESOS_')));
  const child = spawn(TSX, ['--conditions=@mesos-ts/source', MAIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, exited, output: () => stdout + stderr };
}



describe('mesos-agent', () => {
  let workDir: string;
  beforeEach(() => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'mesos-agent-test-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  it('registers with the master, serves /health and /state, logs its resources and attributes, and exits 0 on SIGTERM', async () => {
    const master = await FakeMaster.start({ agentId: 'M9-S3' });
    const port = await freePort();
    const agent = startAgent([
      `--master=${master.address}`,
      '--ip=127.0.0.1',
      `--port=${port}`,
      `--work_dir=${path.join(workDir, 'agent')}`,
      '--resources=cpus:2;mem:1024;gpus:1',
      '--attributes=rack:r1;level:3',
    ]);
    try {
      const res = await waitForHttp(`http://127.0.0.1:${port}/health`, 20_000);
      expect(res.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/health`, { method: 'POST' })).status).toBe(405);
      const register = await master.waitFor(() => master.callsOf(internal.AgentCall_Type.REGISTER)[0], 10_000);
      expect(register.register).toMatchObject({ pid: `slave(1)@127.0.0.1:${port}`, agentInfo: { hostname: os.hostname(), port } });
      await master.waitFor(() => readAgentId(path.join(workDir, 'agent')).ok && readAgentId(path.join(workDir, 'agent')));
      const state = (await (await fetch(`http://127.0.0.1:${port}/state`)).json()) as { id: string };
      expect(state.id).toBe('M9-S3');
      const lines = agent.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      const started = lines.find((l) => l['msg'] === 'Agent started');
      expect(started).toMatchObject({ level: 'info', address: `127.0.0.1:${port}`, attributes: 'rack:r1;level:3' });
      expect(String(started?.['resources'])).toMatch(/^cpus:2; disk:\d+; gpus:1; mem:1024; ports:\[31000-32000\]$/);
      expect(agent.output()).toContain('Registered with the master as agent M9-S3');
    } finally {
      agent.child.kill('SIGTERM');
      await master.close();
    }
    const exit = await agent.exited;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('Received SIGTERM');
    // Stopping is not unregistering: the ID stays for the next start.
    expect(readAgentId(path.join(workDir, 'agent'))).toEqual({ ok: true, value: 'M9-S3' });
  });

  it('exits 0 and forgets its ID when the master shuts it down', async () => {
    const master = await FakeMaster.start({ agentId: 'M9-S4' });
    const agentDir = path.join(workDir, 'agent');
    const agent = startAgent([`--master=${master.address}`, '--ip=127.0.0.1', '--port=0', `--work_dir=${agentDir}`]);
    try {
      await master.waitFor(() => master.streamId !== undefined && master.callsOf(internal.AgentCall_Type.REGISTER).length > 0, 20_000);
      await master.waitFor(() => readAgentId(agentDir).ok && readAgentId(agentDir));
      master.send({ type: internal.AgentEvent_Type.SHUTDOWN, shutdown: { message: 'agent removed' } });
      const exit = await agent.exited;
      expect(exit.code).toBe(0);
      expect(exit.stdout).toContain('The master shut this agent down: agent removed');
      expect(readAgentId(agentDir)).toEqual({ ok: true, value: undefined });
    } finally {
      agent.child.kill('SIGKILL');
      await master.close();
    }
  });

  it('exits 1 for an unknown containerizer', async () => {
    const exit = await startAgent(['--master=m:5050', `--work_dir=${workDir}`, '--containerizers=mesos,rkt']).exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain("Unknown containerizer 'rkt' in --containerizers='mesos,rkt'");
  });

  it('prints --help and exits 0', async () => {
    const exit = await startAgent(['--help']).exited;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('Usage: mesos-agent [options]');
    expect(exit.stdout).toContain('--work_dir=VALUE');
  });

  it('exits 1 naming --work_dir when it is missing', async () => {
    const exit = await startAgent(['--master=127.0.0.1:5050']).exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain("Flag 'work_dir' is required, but it was not provided");
    expect(exit.stderr).toContain('See `mesos-agent --help`');
  });

  it('exits 1 naming --master when it is missing', async () => {
    const exit = await startAgent([`--work_dir=${workDir}`]).exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('Missing required option `--master`');
  });

  it('exits 1 quoting the bad token of --resources and --attributes', async () => {
    const bad = await startAgent(['--master=m:5050', `--work_dir=${workDir}`, '--port=0', '--resources=cpus:4;ports:[1-x]']).exited;
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Invalid --resources 'cpus:4;ports:[1-x]'");
    const attrs = await startAgent(['--master=m:5050', `--work_dir=${workDir}`, '--port=0', '--attributes=rack']).exited;
    expect(attrs.code).toBe(1);
    expect(attrs.stderr).toContain("Invalid attribute key:value pair 'rack'");
  });
});
