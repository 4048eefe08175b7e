import { MesosTsError } from '@mesos-ts/errors';
import type { BooleanFlag, FlagDef, FlagSpec } from '../types';

/** The flag every flag set has, as stout's FlagsBase adds it. */
export const HELP_FLAG: BooleanFlag = { type: 'boolean', help: 'Prints this help message', default: false };

/** A flag set with `help` added and its names indexed. */
export interface CompiledSpec {
  /** Canonical name -> declaration, `help` included. */
  readonly defs: ReadonlyMap<string, FlagDef>;
  /** Alias -> canonical name. */
  readonly aliases: ReadonlyMap<string, string>;
  /** Canonical names in byte order: the order stout keeps them in (a std::map), for loading and `--help`. */
  readonly names: readonly string[];
}

// Names are matched after the command line's name is lower-cased, so an upper-case name could never be given;
// '=' would split it. stout does not check either; we refuse them up front.
const NAME = /^[a-z0-9_][a-z0-9_.-]*$/;

export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function aliasName(def: FlagDef): string | undefined {
  return typeof def.alias === 'string' ? def.alias : def.alias?.name;
}

export function aliasDeprecated(def: FlagDef): boolean {
  return typeof def.alias === 'object' && def.alias.deprecated === true;
}

const cache = new WeakMap<FlagSpec, CompiledSpec>();

/**
 * Checks a flag set and indexes it. A bad declaration is a programming error, so it throws (stout exits at
 * `add` time for the same mistakes).
 */
export function compileSpec(spec: FlagSpec): CompiledSpec {
  const cached = cache.get(spec);
  if (cached !== undefined) return cached;

  const bug = (text: string): never => {
    throw new MesosTsError('INTERNAL', text);
  };
  const defs = new Map<string, FlagDef>([['help', HELP_FLAG]]);
  const aliases = new Map<string, string>();
  const taken = new Set<string>(['help']);
  for (const [name, def] of Object.entries(spec)) {
    if (name === 'help') bug("Attempted to add flag 'help', which every flag set already has");
    const alias = aliasName(def);
    if (alias === name) bug(`Attempted to add flag '${name}' with an alias that is same as the flag name`);
    for (const n of alias === undefined ? [name] : [name, alias]) {
      if (taken.has(n)) bug(`Attempted to add duplicate flag '${n}'`);
      if (n.startsWith('no-')) bug(`Attempted to add flag '${n}' that starts with the reserved 'no-' prefix`);
      if (!NAME.test(n)) bug(`Attempted to add flag '${n}': names are lower-case letters, digits, '_', '-' and '.'`);
      taken.add(n);
    }
    if (def.required === true && def.default !== undefined) {
      bug(`Attempted to add flag '${name}' that is both required and has a default`);
    }
    defs.set(name, def);
    if (alias !== undefined) aliases.set(alias, name);
  }
  const compiled: CompiledSpec = { defs, aliases, names: [...defs.keys()].sort(byteOrder) };
  cache.set(spec, compiled);
  return compiled;
}
