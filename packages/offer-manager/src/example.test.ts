import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

describe('the README example (examples/master-loop.ts)', () => {
  it('runs and prints what the README says', () => {
    const repo = path.resolve(__dirname, '../../..');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@mesos-ts/source', 'packages/offer-manager/examples/master-loop.ts'], {
      cwd: repo,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      encoding: 'utf8',
    });
    expect(out.trim().split('\n')).toEqual([
      'OFFER {"id":"master-1-O0","agent":"agent-1","resources":"cpus:4; mem:4096"}',
      'OFFER {"id":"master-1-O1","agent":"agent-2","resources":"cpus:4; mem:4096"}',
      'RUN_TASK {"task":"web-1","resources":"cpus:1; mem:512"}',
      `TASK_ERROR {"task":"too-big","message":"'operations[0].launch.task_infos[1]': Total resources cpus(allocated: web):8 required by task and its executor is more than available cpus(allocated: web):3; mem(allocated: web):3584"}`,
      'ACCEPTED {"declined":"cpus:3; mem:3584"}',
      'ACCEPT refused {"error":"Offer master-1-O0 is no longer valid"}',
      'OFFER {"id":"master-1-O2","agent":"agent-1","resources":"cpus:3; mem:3584"}',
      'RESCIND {"id":"master-1-O2","why":"agent removed"}',
      'OFFER {"id":"master-1-O3","agent":"agent-2","resources":"cpus:4; mem:4096"}',
      'RESCIND {"id":"master-1-O3","why":"offer timeout"}',
      'OUTSTANDING {"offers":0}',
    ]);
  });

  it('is quoted in the README as it is', () => {
    const dir = path.resolve(__dirname, '..');
    const source = readFileSync(path.join(dir, 'examples/master-loop.ts'), 'utf8').replace(/^\/\*\*[\s\S]*?\*\/\n/, '');
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain(source);
  });
});
