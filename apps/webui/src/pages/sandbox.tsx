/** A task's sandbox: its files, and a viewer that follows a file (stdout by default) as the task writes it. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { browse, locateSandbox, read, type FileEntry } from '../api/sandbox';
import { ErrorNote, Facts, Heading, Loading, StateBadge, Table } from '../components/common';
import { formatBytes, formatSeconds } from '../format';
import { href } from '../router';
import { agentUrl, isTerminal, taskKey } from '../state/cluster';
import type { Snapshot } from '../state/store';

const CHUNK = 64 * 1024;
/** How much of a long file to show at first, and at most: the tail is what a person following a log wants. */
const KEEP = 512 * 1024;
const POLL_MS = 1000;

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Reads `path` from its tail and, while `follow`, appends what is written to it. */
function FileViewer(props: { readonly agent: string; readonly path: string; readonly follow: boolean; readonly name: string }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [truncated, setTruncated] = useState(false);
  const pre = useRef<HTMLPreElement>(null);
  const offset = useRef<number | undefined>(undefined);

  // A new file: start over.
  useEffect(() => {
    setText('');
    setError(undefined);
    setTruncated(false);
    offset.current = undefined;
  }, [props.agent, props.path]);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = async (): Promise<void> => {
      if (offset.current === undefined) {
        const size = (await read(props.agent, props.path, -1, -1)).offset;
        offset.current = Math.max(0, size - KEEP);
        if (offset.current > 0) setTruncated(true);
      }
      // Everything there is now, a chunk at a time.
      for (;;) {
        const chunk = await read(props.agent, props.path, offset.current, CHUNK);
        if (cancelled || chunk.data === '') break;
        offset.current = chunk.offset + byteLength(chunk.data);
        const pane = pre.current;
        const atBottom = pane === null || pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 8;
        setText((old) => {
          const joined = old + chunk.data;
          return joined.length > KEEP ? joined.slice(joined.length - KEEP) : joined;
        });
        if (atBottom) requestAnimationFrame(() => pre.current?.scrollTo({ top: pre.current.scrollHeight }));
        if (chunk.data.length < CHUNK / 4) break;
      }
    };
    const loop = (): void => {
      step().then(
        () => {
          if (cancelled) return;
          setError(undefined);
          if (props.follow) timer = setTimeout(loop, POLL_MS);
        },
        (e: unknown) => {
          if (cancelled) return;
          setError(e instanceof Error ? e.message : String(e));
          // The file may not exist yet (the executor is starting): keep trying while following.
          if (props.follow) timer = setTimeout(loop, POLL_MS * 2);
        },
      );
    };
    loop();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [props.agent, props.path, props.follow]);

  return (
    <div class="viewer">
      {truncated ? <p class="note">Showing the end of the file.</p> : null}
      {error === undefined ? null : <ErrorNote error={error} />}
      <pre ref={pre} class="log" id={`log-${props.name}`} data-path={props.path}>
        {text}
      </pre>
    </div>
  );
}

export function SandboxPage(props: { readonly snapshot: Snapshot; readonly frameworkId: string; readonly taskId: string }) {
  const cluster = props.snapshot.cluster;
  const task = cluster.tasks.get(taskKey(props.frameworkId, props.taskId));
  const agent = task === undefined ? undefined : cluster.agents.get(task.agentId);
  const url = agent === undefined ? undefined : agentUrl(agent.agent);
  const [directory, setDirectory] = useState<string | undefined>();
  const [files, setFiles] = useState<FileEntry[] | undefined>();
  const [listError, setListError] = useState<string | undefined>();
  const [selected, setSelected] = useState('stdout');
  const [follow, setFollow] = useState(true);
  const executorId = task?.executorId ?? '';

  useEffect(() => {
    if (url === undefined) return;
    let cancelled = false;
    locateSandbox(url, props.frameworkId, props.taskId, executorId).then(
      (dir) => {
        if (!cancelled) setDirectory(dir);
      },
      (e: unknown) => {
        if (!cancelled) setListError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [url, props.frameworkId, props.taskId, executorId]);

  // The file list, again every few seconds while following (the task may create files).
  useEffect(() => {
    if (url === undefined || directory === undefined) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const list = (): void => {
      browse(url, directory).then(
        (entries) => {
          if (cancelled) return;
          setFiles([...entries].sort((a, b) => a.path.localeCompare(b.path)));
          setListError(undefined);
        },
        (e: unknown) => {
          if (!cancelled) setListError(e instanceof Error ? e.message : String(e));
        },
      );
      if (follow) timer = setTimeout(list, 5000);
    };
    list();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [url, directory, follow]);

  if (task === undefined) {
    return (
      <div class="page" id="sandbox">
        <Heading title="Sandbox">{props.taskId}</Heading>
        {cluster.loaded ? <p class="note">This task is not known to the master.</p> : <Loading />}
      </div>
    );
  }
  return (
    <div class="page" id="sandbox">
      <Heading title={`Sandbox of ${task.id}`}>
        <StateBadge state={task.state} /> <a href={href.framework(task.frameworkId)}>{cluster.frameworks.get(task.frameworkId)?.info.name ?? task.frameworkId}</a> on{' '}
        <a href={href.agent(task.agentId)}>{agent?.agent.agent_info?.hostname ?? task.agentId}</a>
      </Heading>
      {url === undefined ? <ErrorNote error={`The task's agent ${task.agentId} is not registered; its sandbox cannot be read.`} /> : null}
      <section class="card">
        <Facts items={[['Agent', url ?? '—'], ['Task ended', isTerminal(task.state) ? 'yes' : 'no']]} />
        <p class="path">
          <span class="label">Directory</span> <span class="mono">{directory ?? '…'}</span>
        </p>
      </section>
      <div class="toolbar">
        <div class="tabs" role="tablist">
          {['stdout', 'stderr'].map((name) => (
            <button key={name} role="tab" aria-selected={selected === name} class={selected === name ? 'tab active' : 'tab'} onClick={() => setSelected(name)}>
              {name}
            </button>
          ))}
          {selected !== 'stdout' && selected !== 'stderr' ? <span class="tab active">{selected}</span> : null}
        </div>
        <label>
          <input type="checkbox" id="follow" checked={follow} onChange={(e) => setFollow((e.target as HTMLInputElement).checked)} /> Follow
        </label>
      </div>
      {url !== undefined && directory !== undefined ? <FileViewer agent={url} path={`${directory}/${selected}`} follow={follow} name={selected.replace(/[^\w.-]/g, '_')} /> : <Loading />}
      <h2>Files</h2>
      {listError === undefined ? null : <ErrorNote error={listError} />}
      {files === undefined ? (
        <Loading />
      ) : (
        <Table id="sandbox-files" head={['Name', 'Mode', 'Size', 'Modified']} rows={files.length} empty="The sandbox is empty.">
          {files.map((f) => (
            <tr key={f.path} data-file={basename(f.path)}>
              <td class="mono">
                {f.mode.startsWith('d') ? (
                  `${basename(f.path)}/`
                ) : (
                  <button type="button" class="link" onClick={() => setSelected(basename(f.path))}>
                    {basename(f.path)}
                  </button>
                )}
              </td>
              <td class="mono">{f.mode}</td>
              <td>{formatBytes(f.size)}</td>
              <td class="nowrap">{formatSeconds(f.mtime)}</td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
