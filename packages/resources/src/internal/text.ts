/**
 * The text forms: Mesos's value syntax (`values::parse`) and the agent's
 * `--resources` syntax (`Resources::fromSimpleString`), with errors that
 * quote the offending token and give its character offset in the input.
 *
 * We accept what Mesos accepts, with these exceptions (all inputs Mesos
 * would either reject later or silently misread):
 *  - a token needs exactly one ':' (Mesos drops empty pieces, so it takes
 *    "cpus::1" and ":cpus:1");
 *  - nothing but blanks may follow the ')' of a role (Mesos ignores it);
 *  - names and roles may not contain parentheses;
 *  - range bounds are decimal digits (no "0x" prefix) up to 2^53 - 1;
 *  - nothing may follow the bracket that closes a range list or set
 *    (Mesos reads "{a}x" as {a, x}).
 * Quirks we keep because Mesos's tests rely on them: spaces inside a value
 * are ignored, and range lists may nest brackets (`[1-4, [8-10]]`).
 */
/** A parse failure: what went wrong, where (offset into the whole input) and the text there. */
export interface TextFailure {
  readonly reason: string;
  readonly offset: number;
  readonly token: string;
}

export type ParsedValue =
  | { readonly kind: 'scalar'; readonly value: number }
  | { readonly kind: 'ranges'; readonly flat: number[] }
  | { readonly kind: 'set'; readonly items: string[]; readonly offsets: number[] }
  | { readonly kind: 'text'; readonly value: string };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NOT_A_NUMBER = /^[+-]?(?:nan|inf|infinity)$/i;
const DIGITS = /^\d+$/;
const MIN_NORMAL = 2.2250738585072014e-308;
const ANY_BRACKET = /[{}[\]()]/;
const BRACKETS = [
  ['{', '}'],
  ['[', ']'],
  ['(', ')'],
] as const;

function fail(reason: string, offset: number, token: string): { ok: false; failure: TextFailure } {
  return { ok: false, failure: { reason, offset, token } };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; failure: TextFailure };

interface Piece {
  readonly text: string;
  readonly offset: number;
}

/** Maps an index in the space-free copy of a value back to an offset in the input. */
type Position = (index: number) => number;

/** Splits `s` on any of `delimiters`, dropping empty pieces (stout's `strings::tokenize`). */
function tokenize(s: string, delimiters: string, position: Position): Piece[] {
  const out: Piece[] = [];
  let start = -1;
  for (let i = 0; i <= s.length; i++) {
    const boundary = i === s.length || delimiters.includes(s[i]!);
    if (boundary) {
      if (start >= 0) out.push({ text: s.slice(start, i), offset: position(start) });
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  return out;
}

function checkBrackets(s: string, position: Position, open: string, close: string): TextFailure | undefined {
  const stack: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === open) stack.push(i);
    else if (c === close && stack.pop() === undefined) return { reason: `mismatched brackets: '${close}' without '${open}'`, offset: position(i), token: close };
  }
  const unclosed = stack[0];
  return unclosed === undefined ? undefined : { reason: `mismatched brackets: '${open}' is never closed`, offset: position(unclosed), token: open };
}

/**
 * Index of the first character after the bracket that closes `s[0]`, or -1
 * when that bracket is the last character. (Mesos ignores such text; we do
 * not, it is never intended.) Precondition: brackets are balanced.
 */
function afterClose(s: string, open: string, close: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === open) depth++;
    else if (c === close && --depth === 0) return i === s.length - 1 ? -1 : i + 1;
  }
  return -1;
}

/**
 * Mesos's `values::parse`: ranges `[b-e, ...]`, sets `{a, b}`, scalars, and
 * anything else as text. `base` is the offset of `text` in the whole input.
 */
export function parseValueText(text: string, base: number): Parsed<ParsedValue> {
  // Mesos removes every space before looking at a value.
  const spaced = text.includes(' ');
  const compact = spaced ? text.replaceAll(' ', '') : text;
  if (compact.length === 0) return fail('expecting a value', base, text);
  if (!ANY_BRACKET.test(compact)) return scalarOrText(compact, base);

  // Error offsets are mapped back to the input.
  const position: Position = spaced
    ? (index) => {
        let seen = -1;
        for (let i = 0; i < text.length; i++) if (text[i] !== ' ' && ++seen === index) return base + i;
        return base + text.length;
      }
    : (index) => base + index;
  for (const [open, close] of BRACKETS) {
    const problem = checkBrackets(compact, position, open, close);
    if (problem !== undefined) return { ok: false, failure: problem };
  }

  const bracket = compact.indexOf('[');
  if (bracket === 0) {
    const trailing = afterClose(compact, '[', ']');
    if (trailing >= 0) return fail("unexpected text after ']'", position(trailing), compact.slice(trailing));
    const tokens = tokenize(compact, '[]-,\n', position);
    if (tokens.length % 2 !== 0) {
      const last = tokens[tokens.length - 1]!;
      return fail("expecting ranges of the form 'begin-end'", last.offset, last.text);
    }
    const flat: number[] = [];
    for (let i = 0; i < tokens.length; i += 2) {
      const b = tokens[i]!;
      const e = tokens[i + 1]!;
      for (const t of [b, e]) {
        if (!DIGITS.test(t.text)) return fail('expecting a non-negative integer range bound', t.offset, t.text);
        if (Number(t.text) > Number.MAX_SAFE_INTEGER) {
          return fail(`range bound exceeds ${Number.MAX_SAFE_INTEGER}, the largest mesos-ts supports`, t.offset, t.text);
        }
      }
      const begin = Number(b.text);
      const end = Number(e.text);
      if (begin > end) return fail('inverted range: begin > end', b.offset, `${b.text}-${e.text}`);
      flat.push(begin, end);
    }
    return { ok: true, value: { kind: 'ranges', flat } };
  }
  if (bracket > 0) return fail("unexpected '['", position(bracket), '[');

  const brace = compact.indexOf('{');
  if (brace === 0) {
    const trailing = afterClose(compact, '{', '}');
    if (trailing >= 0) return fail("unexpected text after '}'", position(trailing), compact.slice(trailing));
    const tokens = tokenize(compact, '{},\n', position);
    return { ok: true, value: { kind: 'set', items: tokens.map((t) => t.text), offsets: tokens.map((t) => t.offset) } };
  }
  if (brace > 0) return fail("unexpected '{'", position(brace), '{');

  return scalarOrText(compact, base);
}

function scalarOrText(compact: string, base: number): Parsed<ParsedValue> {
  if (NUMBER.test(compact)) {
    const value = Number(compact);
    if (value < 0) return fail('negative values are not supported', base, compact);
    if (value !== 0 && value < MIN_NORMAL) return fail('subnormal values are not supported', base, compact);
    if (!Number.isFinite(value)) return fail('infinite values are not supported', base, compact);
    return { ok: true, value: { kind: 'scalar', value } };
  }
  if (NOT_A_NUMBER.test(compact)) {
    return fail(/nan/i.test(compact) ? 'NaN is not supported' : 'infinite values are not supported', base, compact);
  }
  return { ok: true, value: { kind: 'text', value: compact } };
}

/** One `name(role):value` item of the `--resources` form, before validation. */
export interface TextResource {
  readonly name: string;
  readonly role: string;
  readonly value: ParsedValue;
  /** Offset and text of the whole `name(role):value` token. */
  readonly offset: number;
  readonly token: string;
}

const BLANK = /^\s*$/;

function trimmedPiece(text: string, offset: number): Piece {
  const lead = text.length - text.trimStart().length;
  return { text: text.trim(), offset: offset + lead };
}

/** The non-empty `;`-separated tokens of `text`, with the offset each starts at. */
export function* semicolonTokens(text: string): Generator<{ token: string; offset: number }> {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf(';', start);
    if (end < 0) end = text.length;
    const token = text.slice(start, end);
    const offset = start;
    start = end + 1;
    if (token.length > 0) yield { token, offset };
  }
}

/** `Resources::fromSimpleString`: `name(role):value;...`, no semantic checks beyond syntax. */
export function parseSimpleText(text: string, defaultRole: string): Parsed<TextResource[]> {
  const out: TextResource[] = [];
  for (const { token, offset } of semicolonTokens(text)) {
    const colon = token.indexOf(':');
    if (colon < 0) return fail("missing ':' between name and value", offset, token);
    const extra = token.indexOf(':', colon + 1);
    if (extra >= 0) return fail("extra ':' (expecting name:value)", offset + extra, token);

    const key = token.slice(0, colon);
    const open = key.indexOf('(');
    const close = key.indexOf(')');
    let name: Piece;
    let role: Piece;
    if (open < 0) {
      if (close >= 0) return fail("mismatched parentheses: ')' without '('", offset + close, token);
      name = trimmedPiece(key, offset);
      role = { text: defaultRole, offset };
    } else {
      if (close < 0 || close < open) return fail('mismatched parentheses', offset + open, token);
      name = trimmedPiece(key.slice(0, open), offset);
      role = trimmedPiece(key.slice(open + 1, close), offset + open + 1);
      if (role.text.includes('(')) return fail('nested parentheses in role', offset + open, token);
      if (!BLANK.test(key.slice(close + 1))) return fail("unexpected text after ')'", offset + close + 1, token);
    }
    if (name.text.length === 0) return fail('empty resource name', offset, token);

    const value = parseValueText(token.slice(colon + 1), offset + colon + 1);
    if (!value.ok) return value;
    out.push({ name: name.text, role: role.text, value: value.value, offset, token });
  }
  return { ok: true, value: out };
}

