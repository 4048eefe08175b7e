import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import type { Resource, Value } from '@mesos-ts/proto';
import { Resource_ReservationInfo_Type, Value_Type } from '@mesos-ts/proto';
import { coalesce } from './internal/ranges';
import { isStrictSubroleOf as strictSubrole, roleAncestors as ancestors, validateRole as roleProblem } from './internal/roles';
import { parseValueText } from './internal/text';
import { validateResource as resourceProblem } from './internal/validate';

function invalid(message: string): Result<never> {
  return err(new MesosTsError('INVALID_ARGUMENT', message));
}

/**
 * Parses a value in Mesos's attribute/resource syntax (`values::parse`):
 * `[1-10, 20-30]` is RANGES (coalesced), `{a,b}` is SET, a number is SCALAR
 * (NaN, infinite and negative numbers are errors) and anything else is TEXT.
 * Spaces are ignored. Range bounds above `Number.MAX_SAFE_INTEGER` are
 * rejected.
 *
 * @returns the Value proto, or an INVALID_ARGUMENT error quoting the bad token and its offset.
 */
export function parseValue(text: string): Result<Value> {
  const parsed = parseValueText(text, 0);
  if (!parsed.ok) return invalid(`Invalid value: ${parsed.failure.reason}: '${parsed.failure.token}' at offset ${parsed.failure.offset}`);
  const v = parsed.value;
  switch (v.kind) {
    case 'scalar':
      return ok({ type: Value_Type.SCALAR, scalar: { value: v.value } });
    case 'ranges': {
      const flat = coalesce(v.flat);
      const range: { begin: bigint; end: bigint }[] = [];
      for (let i = 0; i < flat.length; i += 2) range.push({ begin: BigInt(flat[i]!), end: BigInt(flat[i + 1]!) });
      return ok({ type: Value_Type.RANGES, ranges: { range } });
    }
    case 'set':
      return ok({ type: Value_Type.SET, set: { item: v.items } });
    case 'text':
      return ok({ type: Value_Type.TEXT, text: { value: v.value } });
  }
}

/**
 * Builds one Resource proto from a name, a value in Mesos's syntax and a role
 * (Mesos's `Resources::parse(name, value, role)`): a role other than `*`
 * makes a STATIC reservation. The result is not otherwise validated (pass it
 * to `Resources.fromProto`).
 *
 * @returns an INVALID_ARGUMENT error for a malformed value, a TEXT value or an invalid role.
 */
export function parseResource(name: string, value: string, role = '*'): Result<Resource> {
  const parsed = parseValue(value);
  if (!parsed.ok) return invalid(`Failed to parse resource ${name} value ${value}: ${parsed.error.message}`);
  const problem = roleProblem(role);
  if (problem !== undefined) return invalid(`Failed to parse resource ${name}: invalid role: ${problem}`);
  const v = parsed.value;
  const resource: Resource = { name, type: v.type! };
  if (v.type === Value_Type.SCALAR) resource.scalar = v.scalar!;
  else if (v.type === Value_Type.RANGES) resource.ranges = v.ranges!;
  else if (v.type === Value_Type.SET) resource.set = v.set!;
  else return invalid(`Bad type for resource ${name} value ${value} type TEXT`);
  if (role !== '*') resource.reservations = [{ type: Resource_ReservationInfo_Type.STATIC, role }];
  return ok(resource);
}

/**
 * Validates one Resource proto as Mesos's `Resources::validate`, plus the
 * limits of this implementation (finite scalars below 2^53/1000, range bounds
 * at most `Number.MAX_SAFE_INTEGER`, no overlapping ranges).
 *
 * @returns the same resource, or an INVALID_ARGUMENT error naming the field.
 */
export function validateResource(resource: Resource): Result<Resource> {
  const problem = resourceProblem(resource);
  return problem === undefined ? ok(resource) : invalid(`Invalid resource${resource.name ? ` '${resource.name}'` : ''}: ${problem}`);
}

/**
 * Validates a role name as Mesos's `roles::validate`: `*`, or `/`-separated
 * components that are not empty, `.`, `..` or `*`, do not start with `-` and
 * contain no whitespace.
 */
export function validateRole(role: string): Result<string> {
  const problem = roleProblem(role);
  return problem === undefined ? ok(role) : invalid(`Invalid role: ${problem}`);
}

/** Whether `child` is strictly below `parent` in the role tree (`eng/web` is below `eng`; `engineering` is not). */
export function isStrictSubroleOf(child: string, parent: string): boolean {
  return strictSubrole(child, parent);
}

/** The ancestors of a role, nearest first: `a/b/c` gives `a/b`, `a`. */
export function roleAncestors(role: string): string[] {
  return ancestors(role);
}
