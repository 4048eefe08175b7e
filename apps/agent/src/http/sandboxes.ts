/**
 * Attaching executor sandboxes to the files API, as Mesos's agent does (`Slave::attach` / `detachFile`): each
 * run's directory is reachable under
 *
 * - its real path (`<work_dir>/slaves/<agent>/frameworks/<fid>/executors/<eid>/runs/<cid>`: the `directory` that
 *   `/state` shows, which the web UI browses),
 * - the real `.../runs/latest` path,
 * - the virtual `/frameworks/<fid>/executors/<eid>/runs/<cid>` and `/frameworks/<fid>/executors/<eid>/runs/latest`.
 *
 * `latest` follows the newest run of an executor ID. Everything is detached when the agent forgets the executor
 * (it drops out of the completed executors that `/state` keeps), so old sandboxes stay browsable as long as
 * they are listed, as in Mesos until garbage collection.
 */
import { dirname, join } from 'node:path';
import type { Files } from '@mesos-ts/files';
import type { SandboxObserver } from '../agent-core';
import type { Logger } from '../log';
import type { ExecutorRecord } from '../records';

/** `/frameworks/<fid>/executors/<eid>/runs/<run>`, the virtual path of a run (`run` may be `latest`). */
export function executorVirtualPath(frameworkId: string, executorId: string, run: string): string {
  return `/frameworks/${frameworkId}/executors/${executorId}/runs/${run}`;
}

function paths(executor: ExecutorRecord): { real: string; realLatest: string; virtualRun: string; virtualLatest: string } {
  return {
    real: executor.directory,
    realLatest: join(dirname(executor.directory), 'latest'),
    virtualRun: executorVirtualPath(executor.frameworkId, executor.id, executor.containerId),
    virtualLatest: executorVirtualPath(executor.frameworkId, executor.id, 'latest'),
  };
}

/** The observer to give AgentCore: attaches each new sandbox, detaches forgotten ones. */
export function sandboxAttacher(files: Files, log: Logger): SandboxObserver {
  return {
    added: (executor) => {
      const p = paths(executor);
      for (const virtual of [p.real, p.realLatest, p.virtualRun, p.virtualLatest]) {
        const attached = files.attach(p.real, virtual);
        if (!attached.ok) log.warn(`Failed to attach '${p.real}' to virtual path '${virtual}': ${attached.error.message}`);
      }
    },
    removed: (executor) => {
      const p = paths(executor);
      const real = files.attachments.get(p.real);
      files.detach(p.real);
      files.detach(p.virtualRun);
      // `latest` may point at a newer run of the same executor ID by now; only this run's attachment goes.
      for (const latest of [p.realLatest, p.virtualLatest]) {
        if (real !== undefined && files.attachments.get(latest) === real) files.detach(latest);
      }
    },
  };
}
