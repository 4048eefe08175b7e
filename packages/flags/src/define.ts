import { compileSpec } from './internal/spec';
import type { CustomFlag, FlagSpec } from './types';

/**
 * Declares a flag set: checks it (names, aliases, no `help`, no required flag with a default) and returns it
 * unchanged, with literal types kept so that `parseFlags` knows which flags always have a value.
 * Throws `MesosTsError` INTERNAL for a malformed declaration.
 */
export function defineFlags<const S extends FlagSpec>(spec: S): S {
  compileSpec(spec);
  return spec;
}

/** Declares a flag of a caller-defined type, inferring `T` from `parse` for `default`, `validate` and `format`. */
export function customFlag<T, const D extends Omit<CustomFlag<T>, 'type'>>(def: D & Omit<CustomFlag<T>, 'type'>): D & CustomFlag<T> {
  return { ...def, type: 'custom' };
}
