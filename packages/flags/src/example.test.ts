import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const repo = path.resolve(__dirname, '../../..');
const example = 'packages/flags/examples/master-flags.ts';

function run(args: readonly string[], env: Record<string, string> = {}): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@mesos-ts/source', example, ...args], {
      cwd: repo,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    const failed = e as { status: number; stdout: string; stderr: string };
    return { status: failed.status, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the README example (examples/master-flags.ts)', () => {
  it('runs with flags from argv and env', () => {
    expect(run(['--work_dir=/tmp/m', '--allocation_interval=500ms'], { MESOS_PORT: '6060' }).stdout.trim().split('\n')).toEqual([
      'listening on 0.0.0.0:6060 (port from env)',
      'work_dir: /tmp/m',
      'allocating every 500ms (500 ms)',
      'offer timeout: none',
    ]);
  });

  it('exits 1 with the message the README shows', () => {
    const { status, stderr } = run(['--allocation_interval=5sex']);
    expect(status).toBe(1);
    expect(stderr).toContain(
      "Failed to load flag 'allocation_interval': Failed to load value '5sex': Unknown duration unit 'sex'; supported units are 'ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', and 'weeks'\n\nSee `mesos-master --help` for a list of supported flags.\n",
    );
  });

  it('is quoted in the README as it is', () => {
    const dir = path.resolve(__dirname, '..');
    const source = readFileSync(path.join(dir, 'examples/master-flags.ts'), 'utf8');
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain(source);
  });
});
