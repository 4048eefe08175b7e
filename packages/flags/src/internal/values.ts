import { err, ok, type Result } from '@mesos-ts/errors';
import { formatBytes, parseBytes } from '../bytes';
import { formatDuration, parseDuration } from '../duration';
import type { FlagDef } from '../types';

// `istream >> T` for integers: leading whitespace, an optional sign, digits, and then the end of the text.
const INTEGER = /^[ \t\n\v\f\r]*[+-]?\d+$/;
// `istream >> double`: the same, with a fraction and an exponent.
const NUMBER = /^[ \t\n\v\f\r]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// stout's generic `parse<T>` message for anything read through an istream.
const CONVERT = 'Failed to convert into required type';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Turns a flag's (already fetched) text into its value, with stout's messages. */
export function parseValue(def: FlagDef, text: string): Result<unknown, string> {
  switch (def.type) {
    case 'string':
      return ok(text);
    case 'boolean':
      if (text === 'true' || text === '1') return ok(true);
      if (text === 'false' || text === '0') return ok(false);
      return err('Expecting a boolean (e.g., true or false)');
    case 'integer': {
      if (!INTEGER.test(text)) return err(CONVERT);
      const n = Number(text.trim());
      if (!Number.isSafeInteger(n)) return err(CONVERT);
      if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) return err(CONVERT);
      return ok(n);
    }
    case 'number': {
      if (!NUMBER.test(text)) return err(CONVERT);
      const n = Number(text.trim());
      return Number.isFinite(n) ? ok(n) : err(CONVERT);
    }
    case 'duration': {
      const d = parseDuration(text);
      return d.ok ? d : err(d.error.message);
    }
    case 'bytes': {
      const b = parseBytes(text);
      return b.ok ? b : err(b.error.message);
    }
    case 'json': {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        return err(`Failed to parse JSON: ${message(e)}`);
      }
      // stout's JSON::parse<JSON::Object> / <JSON::Array> wording.
      if (def.jsonType === 'object' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
        return err('Unexpected JSON type parsed');
      }
      if (def.jsonType === 'array' && !Array.isArray(value)) return err('Unexpected JSON type parsed');
      return ok(value);
    }
    case 'custom': {
      let result: Result<unknown, string | Error>;
      try {
        result = def.parse(text);
      } catch (e) {
        // A throwing parser is a bug in the caller's code, but a flag value must not crash the loader.
        return err(message(e));
      }
      return result.ok ? result : err(message(result.error));
    }
  }
}

/** Prints a value as `--help` shows defaults (stout's `stringify`). */
export function formatValue(def: FlagDef, value: unknown): string {
  switch (def.type) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'duration':
      return formatDuration(value as number);
    case 'bytes':
      return formatBytes(value as number);
    case 'json':
      return JSON.stringify(value);
    case 'custom':
      return def.format !== undefined ? def.format(value) : String(value);
    default:
      return String(value);
  }
}
