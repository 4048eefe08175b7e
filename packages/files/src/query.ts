/**
 * The query parameters of `/files/browse`, `/files/read` and `/files/download` (pure), checked as Mesos checks
 * them, with its 400 messages:
 *
 * - `path` is required and non-empty: `Expecting 'path=value' in query.`
 * - `offset` (read) is an integer >= -1; -1 (the default) asks for the file's size only:
 *   `Failed to parse offset: ...` / `Negative offset provided: -2.`
 * - `length` (read) is an integer >= -1; -1 or none reads up to the read limit:
 *   `Failed to parse length: ...` / `Negative length provided: -2.`
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';

/** What `/files/read` asks for. */
export interface ReadQuery {
  readonly path: string;
  /** -1: answer the size only. */
  readonly offset: number;
  /** Undefined: up to the read limit. */
  readonly length?: number;
}

/** The `path` parameter, required by every files endpoint. */
export function parsePathQuery(query: URLSearchParams): Result<string> {
  const path = query.get('path');
  if (path === null || path === '') return err(new MesosTsError('INVALID_ARGUMENT', "Expecting 'path=value' in query.\n"));
  return ok(path);
}

/**
 * Parses a decimal integer as Mesos's `numify` does for these parameters: optional sign, digits, nothing else
 * (no spaces, fractions or exponents), and within the safe integer range.
 */
export function parseInteger(text: string): Result<number> {
  if (!/^[+-]?\d+$/.test(text)) return err(new MesosTsError('INVALID_ARGUMENT', `'${text}' is not an integer`));
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return err(new MesosTsError('INVALID_ARGUMENT', `'${text}' is out of range`));
  return ok(value === 0 ? 0 : value); // no -0
}

function parseBounded(query: URLSearchParams, name: 'offset' | 'length'): Result<number | undefined> {
  const text = query.get(name);
  if (text === null) return ok(undefined);
  const parsed = parseInteger(text);
  if (!parsed.ok) return err(new MesosTsError('INVALID_ARGUMENT', `Failed to parse ${name}: ${parsed.error.message}.\n`));
  if (parsed.value < -1) return err(new MesosTsError('INVALID_ARGUMENT', `Negative ${name} provided: ${parsed.value}.\n`));
  return ok(parsed.value);
}

/** `/files/read`'s parameters. Never throws. */
export function parseReadQuery(query: URLSearchParams): Result<ReadQuery> {
  const path = parsePathQuery(query);
  if (!path.ok) return path;
  const offset = parseBounded(query, 'offset');
  if (!offset.ok) return offset;
  const length = parseBounded(query, 'length');
  if (!length.ok) return length;
  const out: ReadQuery = { path: path.value, offset: offset.value ?? -1 };
  // -1 means "no length", as the web UI's pailer sends it first to learn the size.
  return ok(length.value === undefined || length.value === -1 ? out : { ...out, length: length.value });
}
