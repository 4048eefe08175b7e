/**
 * From outside data to canonical entry lists: Resource protos (validated like
 * Mesos's `Resources::validate`), and the agent's `--resources` flag in its
 * two forms, text and JSON array (Mesos's `Resources::parse`, including its
 * command-line checks).
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import type { Resource, Resource_ReservationInfo } from '@mesos-ts/proto';
import { Resource_ReservationInfo_Type, Value_Type, decodeMesosJson } from '@mesos-ts/proto';
import { type Entries, NO_ENTRIES, normalise } from './algebra';
import { entryFromProto } from './convert';
import * as fixed from './fixed';
import * as model from './model';
import { coalesce } from './ranges';
import { validateRole } from './roles';
import { toSortedSet } from './sets';
import { type TextFailure, parseSimpleText } from './text';
import { validateResource } from './validate';

// Copied into locals once; see the note in algebra.ts.
const SCALAR = Value_Type.SCALAR;
const RANGES = Value_Type.RANGES;
const SET = Value_Type.SET;
const { Entry, Meta } = model;
type Entry = model.Entry;
type Meta = model.Meta;
const { checkScalar, toFixed } = fixed;

function invalid(message: string): Result<never> {
  return err(new MesosTsError('INVALID_ARGUMENT', message));
}

function describeAt(i: number, r: Resource): string {
  return typeof r.name === 'string' && r.name.length > 0 ? `resource [${i}] '${r.name}'` : `resource [${i}]`;
}

/** Validates and converts protos, dropping empty ones (as Mesos does). */
export function entriesFromProtos(resources: readonly Resource[]): Result<Entries> {
  const entries: Entry[] = [];
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i]!;
    if (r === null || typeof r !== 'object') return invalid(`Invalid resource [${i}]: expected a Resource object`);
    const problem = validateResource(r);
    if (problem !== undefined) return invalid(`Invalid ${describeAt(i, r)}: ${problem}`);
    const e = entryFromProto(r);
    if (e !== undefined) entries.push(e);
  }
  return ok(normalise(entries));
}

function textError(f: TextFailure): Result<never> {
  return invalid(`Invalid resources: ${f.reason}: '${f.token}' at offset ${f.offset}`);
}

const staticReservations = new Map<string, readonly Resource_ReservationInfo[]>();

function staticReservation(role: string): readonly Resource_ReservationInfo[] {
  let stack = staticReservations.get(role);
  if (stack === undefined) {
    stack = Object.freeze([Object.freeze({ type: Resource_ReservationInfo_Type.STATIC, role })]);
    if (staticReservations.size < 10_000) staticReservations.set(role, stack);
  }
  return stack;
}

const NO_RESERVATIONS: readonly Resource_ReservationInfo[] = Object.freeze([]);

/** Mesos's `Resources::parse(text, defaultRole)`: the JSON array form or the `name(role):value;...` form. */
export function entriesFromFlag(text: string, defaultRole: string): Result<Entries> {
  const trimmed = text.trim();
  // "{}" is how an empty Resources prints; accept it back.
  if (trimmed === '{}') return ok(NO_ENTRIES);
  if (trimmed.startsWith('[')) return entriesFromJsonText(text, defaultRole);
  if (trimmed.startsWith('{')) {
    return invalid(`Invalid resources: expecting 'name:value;...' or a JSON array of Resource objects, not a JSON object: '${abbreviate(trimmed)}' at offset ${text.indexOf('{')}`);
  }

  const parsed = parseSimpleText(text, defaultRole);
  if (!parsed.ok) return textError(parsed.failure);

  const entries: Entry[] = [];
  const types = new Map<string, Value_Type>();
  for (const item of parsed.value) {
    const { name, role, value } = item;
    let reservations = NO_RESERVATIONS;
    if (role !== '*') {
      const problem = validateRole(role);
      if (problem !== undefined) return textError({ reason: `invalid role: ${problem}`, offset: item.offset, token: item.token });
      reservations = staticReservation(role);
    }
    let entry: Entry | undefined;
    let type: Value_Type;
    if (value.kind === 'scalar') {
      type = SCALAR;
      const problem = checkScalar(value.value);
      if (problem !== undefined) return textError({ reason: `invalid scalar: ${problem}`, offset: item.offset, token: item.token });
      const fixed = toFixed(value.value);
      if (fixed > 0) entry = Entry.scalar(metaFor(name, type, reservations), fixed);
    } else if (value.kind === 'ranges') {
      type = RANGES;
      if (value.flat.length > 0) entry = Entry.ranges(metaFor(name, type, reservations), coalesce(value.flat));
    } else if (value.kind === 'set') {
      type = SET;
      const seen = new Set<string>();
      for (let k = 0; k < value.items.length; k++) {
        const it = value.items[k]!;
        if (seen.has(it)) return textError({ reason: 'duplicated set element', offset: value.offsets[k]!, token: it });
        seen.add(it);
      }
      if (value.items.length > 0) entry = Entry.set(metaFor(name, type, reservations), toSortedSet(value.items));
    } else {
      const at = item.token.indexOf(':') + 1;
      return textError({
        reason: "expecting a number, ranges like '[1-10, 20-30]' or a set like '{a,b}'",
        offset: item.offset + at,
        token: item.token.slice(at),
      });
    }
    if (entry === undefined) continue;
    const known = types.get(name);
    if (known === undefined) types.set(name, type);
    else if (known !== type) {
      return textError({ reason: `resources with the same name ('${name}') but different types are not allowed`, offset: item.offset, token: item.token });
    }
    entries.push(entry);
  }
  return ok(normalise(entries));
}

function metaFor(name: string, type: Value_Type, reservations: readonly Resource_ReservationInfo[]): Meta {
  if (reservations.length === 0) return Meta.plain(name, type);
  return Meta.of({ name, type, allocationRole: undefined, reservations, disk: undefined, revocable: false, shared: false, providerId: undefined });
}

function abbreviate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function entriesFromJsonText(text: string, defaultRole: string): Result<Entries> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /position (\d+)/.exec(message);
    const offset = at === null ? 0 : Number(at[1]);
    return invalid(`Invalid resources: malformed JSON (${message}): '${abbreviate(text.slice(offset, offset + 20))}' at offset ${offset}`);
  }
  if (!Array.isArray(json)) return invalid('Invalid resources: expecting a JSON array of Resource objects');
  const protos: Resource[] = [];
  for (let i = 0; i < json.length; i++) {
    const decoded = decodeMesosJson('mesos.v1.Resource', json[i]);
    if (!decoded.ok) return invalid(`Invalid resources: JSON resource [${i}] is not a valid Resource: ${decoded.error.message}`);
    const r = decoded.value;
    // As Mesos's `fromJSON`: a resource with neither `role` nor
    // `reservations` gets the default role.
    if (r.role === undefined && (r.reservations === undefined || r.reservations.length === 0)) r.role = defaultRole;
    protos.push(r);
  }
  return entriesFromCommandLineProtos(protos);
}

/** `entriesFromProtos` plus Mesos's `validateCommandLineResources`. */
function entriesFromCommandLineProtos(protos: readonly Resource[]): Result<Entries> {
  const types = new Map<string, Value_Type>();
  const entries: Entry[] = [];
  for (let i = 0; i < protos.length; i++) {
    const r = protos[i]!;
    const problem = validateResource(r);
    if (problem !== undefined) return invalid(`Invalid resources: ${describeAt(i, r)} is invalid: ${problem}`);
    const e = entryFromProto(r);
    if (e === undefined) continue;
    const where = describeAt(i, r);
    if (e.meta.persistentVolume) return invalid(`Invalid resources: ${where}: persistent volumes cannot be specified at the command line`);
    if (e.meta.revocable) return invalid(`Invalid resources: ${where}: revocable resources cannot be specified at the command line; do not include a 'revocable' key in the resources JSON`);
    if (e.isDynamicallyReserved()) {
      return invalid(`Invalid resources: ${where}: dynamic reservations cannot be specified at the command line; do not include a reservation with DYNAMIC type in the resources JSON`);
    }
    const known = types.get(e.meta.name);
    if (known === undefined) types.set(e.meta.name, e.meta.type);
    else if (known !== e.meta.type) return invalid(`Invalid resources: ${where}: resources with the same name ('${e.meta.name}') but different types are not allowed`);
    entries.push(e);
  }
  return ok(normalise(entries));
}
