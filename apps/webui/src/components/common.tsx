/** Small shared pieces: resource meters, state badges, tables, empty and error notes. */
import type { ComponentChildren } from 'preact';
import { formatQuantity, shortState } from '../format';
import { KINDS, type Quantities } from '../state/resources';

/** One kind's use of a total, as a bar with numbers. */
export function Meter(props: { readonly kind: string; readonly used: number; readonly total: number }) {
  const share = props.total > 0 ? Math.min(1, props.used / props.total) : 0;
  return (
    <div class="meter" data-kind={props.kind}>
      <div class="meter-head">
        <span class="meter-kind">{props.kind}</span>
        <span class="meter-numbers">
          <span class="meter-used">{formatQuantity(props.kind, props.used)}</span> / <span class="meter-total">{formatQuantity(props.kind, props.total)}</span>
        </span>
      </div>
      <div class="meter-track" role="meter" aria-label={props.kind} aria-valuemin={0} aria-valuemax={props.total} aria-valuenow={props.used}>
        <div class="meter-fill" style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
    </div>
  );
}

/** The four kinds' meters. */
export function Meters(props: { readonly used: Quantities; readonly total: Quantities }) {
  return (
    <div class="meters">
      {KINDS.map((kind) => (
        <Meter key={kind} kind={kind} used={props.used[kind]} total={props.total[kind]} />
      ))}
    </div>
  );
}

/** Resources as `cpus 1 · mem 128 MB · ...`, leaving out zero kinds. */
export function ResourceText(props: { readonly value: Quantities }) {
  const parts = KINDS.filter((k) => props.value[k] !== 0).map((k) => `${k} ${formatQuantity(k, props.value[k])}`);
  return <span class="resources">{parts.length === 0 ? '—' : parts.join(' · ')}</span>;
}

function stateClass(state: string): string {
  switch (state) {
    case 'TASK_RUNNING':
      return 'running';
    case 'TASK_FINISHED':
      return 'finished';
    case 'TASK_STAGING':
    case 'TASK_STARTING':
    case 'TASK_KILLING':
      return 'pending';
    case 'TASK_UNREACHABLE':
    case 'TASK_LOST':
    case 'TASK_KILLED':
      return 'warning';
    default:
      return 'failed';
  }
}

export function StateBadge(props: { readonly state: string }) {
  return <span class={`badge ${stateClass(props.state)}`}>{shortState(props.state)}</span>;
}

export function Flag(props: { readonly on: boolean; readonly yes: string; readonly no: string }) {
  return <span class={`badge ${props.on ? 'running' : 'muted'}`}>{props.on ? props.yes : props.no}</span>;
}

export function Table(props: { readonly head: readonly string[]; readonly children: ComponentChildren; readonly empty?: string; readonly rows: number; readonly id?: string }) {
  return (
    <div class="table-wrap">
      <table id={props.id}>
        <thead>
          <tr>
            {props.head.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.children}
          {props.rows === 0 ? (
            <tr class="empty">
              <td colSpan={props.head.length}>{props.empty ?? 'None.'}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

export function ErrorNote(props: { readonly error: string }) {
  return (
    <p class="note error" role="alert">
      {props.error}
    </p>
  );
}

export function Loading() {
  return <p class="note">Loading…</p>;
}

/** A page heading with an optional subtitle. */
export function Heading(props: { readonly title: string; readonly children?: ComponentChildren }) {
  return (
    <header class="page-head">
      <h1>{props.title}</h1>
      {props.children === undefined ? null : <div class="page-sub">{props.children}</div>}
    </header>
  );
}

/** Key-value pairs, e.g. an agent's details. */
export function Facts(props: { readonly items: readonly (readonly [string, ComponentChildren])[] }) {
  return (
    <dl class="facts">
      {props.items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
