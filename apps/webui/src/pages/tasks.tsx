/** Every task the master knows, filterable by state and text. */
import { useState } from 'preact/hooks';
import { Heading } from '../components/common';
import { TaskTable } from '../components/task-table';
import { shortState } from '../format';
import { countByState, isLive } from '../state/cluster';
import type { Snapshot } from '../state/store';

type Filter = 'all' | 'live' | 'ended' | string;

export function TasksPage(props: { readonly snapshot: Snapshot }) {
  const cluster = props.snapshot.cluster;
  const [filter, setFilter] = useState<Filter>('all');
  const [text, setText] = useState('');
  const all = [...cluster.tasks.values()];
  const counts = countByState(all);
  const needle = text.trim().toLowerCase();
  const shown = all.filter((t) => {
    if (filter === 'live' && !isLive(t)) return false;
    if (filter === 'ended' && isLive(t)) return false;
    if (filter !== 'all' && filter !== 'live' && filter !== 'ended' && t.state !== filter) return false;
    return needle === '' || t.id.toLowerCase().includes(needle) || t.name.toLowerCase().includes(needle);
  });
  return (
    <div class="page" id="tasks">
      <Heading title="Tasks">
        {all.length} known, {all.filter(isLive).length} live
      </Heading>
      <div class="toolbar">
        <label>
          Show{' '}
          <select value={filter} onChange={(e) => setFilter((e.target as HTMLSelectElement).value)}>
            <option value="all">all</option>
            <option value="live">live</option>
            <option value="ended">ended</option>
            {[...counts.keys()].sort().map((s) => (
              <option key={s} value={s}>
                {shortState(s)} ({counts.get(s)})
              </option>
            ))}
          </select>
        </label>
        <input type="search" placeholder="Filter by ID or name" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
      </div>
      <TaskTable id="task-table" tasks={shown} cluster={cluster} empty={all.length === 0 ? 'No tasks yet.' : 'No task matches.'} />
    </div>
  );
}
