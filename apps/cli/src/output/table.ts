/**
 * Plain-text tables for people: a header row and aligned columns separated by two spaces, no borders (like
 * `kubectl get` or `docker ps`), so that `grep`, `awk '{print $1}'` and `column` work on them too.
 */

/** One column: its heading and whether it is right-aligned (numbers). */
export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

/** A column heading, or one with its alignment. */
export type ColumnSpec = string | Column;

/** The display width of `text`, counting each code point once (good enough: IDs and hostnames are ASCII). */
function width(text: string): number {
  return [...text].length;
}

/**
 * Formats rows under headers, each column as wide as its widest cell; the last column is not padded, so lines
 * carry no trailing spaces. Cells with newlines or tabs are flattened to one line.
 *
 * @returns the table, one line per row plus the header, each ending in `\n`; only the header when `rows` is empty.
 */
export function formatTable(columns: readonly ColumnSpec[], rows: readonly (readonly string[])[]): string {
  const specs: Column[] = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const clean = rows.map((row) => specs.map((_, i) => (row[i] ?? '').replace(/[\t\r\n]+/g, ' ')));
  const widths = specs.map((spec, i) => Math.max(width(spec.header), ...clean.map((row) => width(row[i]!))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i]! - width(cell));
        if (specs[i]!.align === 'right') return pad + cell;
        return i === cells.length - 1 ? cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(specs.map((s) => s.header)), ...clean.map(line)].map((l) => `${l}\n`).join('');
}

/**
 * A number as people read it in a table: integers as they are, others with up to 3 decimals (Mesos's scalar
 * precision) and no trailing zeros.
 */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
}

/** `used/total`, e.g. `0.5/4`; a dash when the agent has none of the resource. */
export function formatUsage(used: number | undefined, total: number | undefined): string {
  if (total === undefined || total === 0) return used === undefined || used === 0 ? '-' : formatNumber(used);
  return `${formatNumber(used ?? 0)}/${formatNumber(total)}`;
}

/** Seconds since the epoch as an ISO date-time without milliseconds (UTC), or a dash. */
export function formatTime(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return '-';
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * JSON for `--json`: two-space indented, bigints as numbers (the operator API's uint64 fields are plain JSON
 * numbers) and byte arrays as base64, as Mesos's JSON does.
 */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
      return v;
    },
    2,
  )}\n`;
}
