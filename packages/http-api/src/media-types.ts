import type { IncomingHttpHeaders } from 'node:http';

/** `application/json`: Mesos JSON (see `@mesos-ts/proto`). Mesos: `APPLICATION_JSON`, include/mesos/http.hpp. */
export const APPLICATION_JSON = 'application/json';
/** `application/x-protobuf`: protobuf binary. Mesos: `APPLICATION_PROTOBUF`. */
export const APPLICATION_PROTOBUF = 'application/x-protobuf';
/** `application/recordio`: a stream of RecordIO records. Mesos: `APPLICATION_RECORDIO`. */
export const APPLICATION_RECORDIO = 'application/recordio';
/** The header naming the encoding of each record in a RecordIO request body (agent API only). */
export const MESSAGE_CONTENT_TYPE = 'Message-Content-Type';
/** The header naming the acceptable encodings of each record in a RecordIO response (agent API only). */
export const MESSAGE_ACCEPT = 'Message-Accept';
/** `text/plain; charset=utf-8`: the Content-Type libprocess gives every response built from a string body (errors). */
export const TEXT_PLAIN = 'text/plain; charset=utf-8';

/** How one message is encoded. */
export type MessageContentType = 'json' | 'protobuf';
/** A body's media type: one message, or a RecordIO stream of them (Mesos's `ContentType` enum). */
export type ContentType = MessageContentType | 'recordio';

const MEDIA_TYPES: Readonly<Record<ContentType, string>> = {
  json: APPLICATION_JSON,
  protobuf: APPLICATION_PROTOBUF,
  recordio: APPLICATION_RECORDIO,
};

/** The media type string of a content type (`'json'` -> `application/json`), as Mesos's `stringify(ContentType)`. */
export function mediaTypeOf(contentType: ContentType): string {
  return MEDIA_TYPES[contentType];
}

/**
 * Request headers as Node gives them (`IncomingHttpHeaders`: lower-case names, `set-cookie`-style arrays), or
 * any plain record of names to values. Names are matched case-insensitively, as libprocess's `Headers` does.
 */
export type RequestHeaders = IncomingHttpHeaders | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The value of header `name`, or undefined when absent. Repeated values are joined with `", "` (what Node does
 * for `Accept`, and the list form RFC 9110 says is equivalent); present-but-empty stays `''`.
 */
export function getHeader(headers: RequestHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  let value = (headers as Record<string, unknown>)[lower];
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === lower) {
        value = (headers as Record<string, unknown>)[key];
        if (value !== undefined) break;
      }
    }
  }
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').join(', ');
  return String(value);
}

/** Splits on any character of `delims` and drops empty tokens (stout's `strings::tokenize`). */
function tokenize(s: string, delims: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || delims.includes(s[i]!)) {
      if (i > start) out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  return out;
}

// What boost::lexical_cast<double> accepts (stout's numify<double>): a decimal float with an optional sign and
// exponent, or inf / infinity / nan in any case. Hexadecimal is refused for doubles (numify's own rule).
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

function numifyDouble(s: string): number | undefined {
  if (DECIMAL.test(s)) return Number(s);
  if (SPECIAL.test(s)) return /nan/i.test(s) ? Number.NaN : s.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

/**
 * Whether an `Accept`-style header value admits `mediaType`, exactly as libprocess's
 * `Request::_acceptsMediaType` (3rdparty/libprocess/src/http.cpp) decides it:
 *
 * - `mediaType` must be `type/subtype`; otherwise false.
 * - An absent header (`undefined`) accepts everything. A present but empty one accepts nothing.
 * - Spaces, tabs and newlines are removed; entries are split on `,` and their parameters on `;`.
 * - Candidates are tried in order: `type/subtype`, then `type/*`, then `*\/*` (case-insensitively); the FIRST
 *   entry, in header order, whose media range equals a candidate decides: accepted unless its `q` is 0 or less
 *   or not a number. No `q`, or a `q` given twice, counts as accepted. Other entries are not consulted, so
 *   `application/json;q=0,*\/*` refuses JSON, while `*\/*;q=0,application/*` accepts it (`type/*` is tried
 *   before `*\/*` whatever the header order).
 *
 * q-values only ever accept or refuse; they never rank one media type over another. The caller's order of
 * preference decides (Mesos tries JSON before protobuf).
 */
export function acceptsMediaType(headerValue: string | undefined, mediaType: string): boolean {
  const parts = tokenize(mediaType, '/');
  if (parts.length !== 2) return false;
  if (headerValue === undefined) return true;

  const value = headerValue.replace(/[ \t\n]/g, '');
  const candidates = [mediaType, `${parts[0]}/*`, '*/*'];
  const entries = tokenize(value, ',');

  for (const candidate of candidates) {
    for (const entry of entries) {
      const tokens = tokenize(entry, ';');
      if (tokens.length === 0) continue;
      if (tokens[0]!.toLowerCase() !== candidate.toLowerCase()) continue;

      // strings::pairs(entry, ";", "="): only `key=value` tokens with exactly two parts count; keys are
      // case-sensitive, so `Q=0` is not a q-value.
      const qs: string[] = [];
      for (const token of tokenize(entry, ';')) {
        const kv = tokenize(token, '=');
        if (kv.length === 2 && kv[0] === 'q') qs.push(kv[1]!);
      }
      if (qs.length !== 1) return true;
      const q = numifyDouble(qs[0]!);
      return q !== undefined && q > 0;
    }
  }
  return false;
}
