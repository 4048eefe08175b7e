// Sandboxes are attached to the files API when runs start and detached when the agent forgets them; `latest`
// follows the newest run of an executor ID.
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Files } from '@mesos-ts/files';
import { silentLogger } from '../src/log';
import { executorVirtualPath, sandboxAttacher } from '../src/http/sandboxes';
import type { ExecutorRecord } from '../src/records';

function run(root: string, containerId: string): ExecutorRecord {
  const directory = join(root, 'frameworks', 'f1', 'executors', 'e1', 'runs', containerId);
  mkdirSync(directory, { recursive: true });
  return { id: 'e1', frameworkId: 'f1', containerId, directory } as unknown as ExecutorRecord;
}

describe('sandbox attachments', () => {
  it('attaches real, real latest, virtual run and virtual latest paths; detaching leaves a newer latest alone', () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'sandboxes-')));
    const files = new Files();
    const observer = sandboxAttacher(files, silentLogger);
    const first = run(root, 'c1');
    symlinkSync(first.directory, join(root, 'frameworks', 'f1', 'executors', 'e1', 'runs', 'latest'));
    observer.added(first);
    const latest = executorVirtualPath('f1', 'e1', 'latest');
    expect(Object.fromEntries(files.attachments)).toEqual({
      [first.directory]: first.directory,
      [join(root, 'frameworks/f1/executors/e1/runs/latest')]: first.directory,
      [executorVirtualPath('f1', 'e1', 'c1')]: first.directory,
      [latest]: first.directory,
    });

    const second = run(root, 'c2');
    observer.added(second);
    expect(files.attachments.get(latest)).toBe(second.directory);
    observer.removed(first);
    expect(files.attachments.has(first.directory)).toBe(false);
    expect(files.attachments.has(executorVirtualPath('f1', 'e1', 'c1'))).toBe(false);
    expect(files.attachments.get(latest)).toBe(second.directory);
    observer.removed(second);
    expect(files.attachments.size).toBe(0);
  });
});
