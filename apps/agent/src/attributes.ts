import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { Value_Type, type Attribute } from '@mesos-ts/proto';
import { parseValue } from '@mesos-ts/resources';

function invalid(message: string): Result<never> {
  return err(new MesosTsError('INVALID_ARGUMENT', message));
}

/**
 * Parses the agent's `--attributes` flag as Mesos 1.11's `Attributes::parse` (`src/common/attributes.cpp`):
 * tokens separated by `;` or newlines (empty tokens skipped), each `name:value` split at the first `:`, the value
 * read by `values::parse` (spaces removed): `[1-10,20-30]` is RANGES, a non-negative number is SCALAR, anything
 * else is TEXT. SET values (`{a,b}`) are refused, as Mesos refuses them for attributes. Where Mesos aborts the
 * agent, this returns an INVALID_ARGUMENT error naming the token. Repeated names are kept, as in Mesos.
 */
export function parseAttributes(text: string): Result<Attribute[]> {
  const attributes: Attribute[] = [];
  for (const token of text.split(/[;\n]/)) {
    if (token === '') continue;
    const colon = token.indexOf(':');
    const name = colon < 0 ? '' : token.slice(0, colon);
    const value = colon < 0 ? '' : token.slice(colon + 1);
    if (name === '' || value === '') {
      return invalid(`Invalid attribute key:value pair '${token}' in --attributes (expected name:value)`);
    }
    const parsed = parseValue(value);
    if (!parsed.ok) return invalid(`Invalid attribute '${token}' in --attributes: ${parsed.error.message}`);
    const v = parsed.value;
    switch (v.type) {
      case Value_Type.SCALAR:
        attributes.push({ name, type: Value_Type.SCALAR, scalar: { value: v.scalar?.value ?? 0 } });
        break;
      case Value_Type.RANGES:
        attributes.push({ name, type: Value_Type.RANGES, ranges: { range: v.ranges?.range ?? [] } });
        break;
      case Value_Type.TEXT:
        attributes.push({ name, type: Value_Type.TEXT, text: { value: v.text?.value ?? '' } });
        break;
      default:
        return invalid(`Invalid attribute '${token}' in --attributes: set values like '{a,b}' are not supported for attributes (use text, a scalar or ranges)`);
    }
  }
  return ok(attributes);
}

/** Prints attributes as Mesos logs them and as `--attributes` reads them back: `rack:r1;level:2;ports:[1-10]`. */
export function formatAttributes(attributes: readonly Attribute[]): string {
  return attributes
    .map((a) => {
      switch (a.type) {
        case Value_Type.SCALAR:
          return `${a.name}:${a.scalar?.value ?? 0}`;
        case Value_Type.RANGES:
          return `${a.name}:[${(a.ranges?.range ?? []).map((r) => `${r.begin}-${r.end}`).join(', ')}]`;
        case Value_Type.SET:
          return `${a.name}:{${(a.set?.item ?? []).join(',')}}`;
        default:
          return `${a.name}:${a.text?.value ?? ''}`;
      }
    })
    .join(';');
}
