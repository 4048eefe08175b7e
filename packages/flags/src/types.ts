import type { Result } from '@mesos-ts/errors';

/** A second name a flag answers to (stout allows one). A deprecated name still loads but adds a warning. */
export interface FlagAlias {
  readonly name: string;
  readonly deprecated?: boolean;
}

/**
 * What every flag declaration has.
 *
 * A flag is required when `required` is true; otherwise it has its `default` or, without one, is `undefined`
 * when not given (stout's `Option<T>` flags). `validate` runs after all flags are loaded, on flags that have a
 * value, and returns an error message or `undefined`; the message is reported as is, so it should name the flag
 * (as Mesos's own validators do).
 */
interface FlagBase<T> {
  /** Help text for `--help`; may span lines (`\n`), continuation lines are indented under the first. */
  readonly help: string;
  readonly alias?: string | FlagAlias;
  /** Loading the flag by its own name adds a "Loaded deprecated flag" warning. */
  readonly deprecated?: boolean;
  readonly required?: boolean;
  readonly default?: T;
  /**
   * Whether a value `file:///path` is replaced by the file's content before parsing (default true). stout
   * turns this off for `Path` flags.
   */
  readonly fetch?: boolean;
  readonly validate?: (value: T) => string | undefined;
}

export interface StringFlag extends FlagBase<string> {
  readonly type: 'string';
}

/** `--name`, `--no-name`, `--name=true|false|1|0`. */
export interface BooleanFlag extends FlagBase<boolean> {
  readonly type: 'boolean';
}

/** A decimal number, as `istream >> double` reads one (`1.5`, `-2`, `1e3`). */
export interface NumberFlag extends FlagBase<number> {
  readonly type: 'number';
}

/**
 * An integer, as `istream >> int` reads one (`42`, `+7`, `-1`; no hex, no trailing text). Values outside
 * `[min, max]` fail like an overflowing C++ integer type does (e.g. a `uint16_t` port: `min: 0, max: 65535`).
 */
export interface IntegerFlag extends FlagBase<number> {
  readonly type: 'integer';
  readonly min?: number;
  readonly max?: number;
}

/** A Mesos duration (`5secs`, `1mins`, `500ms`); the value and the default are milliseconds. */
export interface DurationFlag extends FlagBase<number> {
  readonly type: 'duration';
}

/** A Mesos byte size (`64MB`, `1GB`); the value and the default are bytes. */
export interface BytesFlag extends FlagBase<number> {
  readonly type: 'bytes';
}

/** A JSON document (commonly given as `file:///path/to.json`); `jsonType` narrows what is accepted. */
export interface JsonFlag extends FlagBase<unknown> {
  readonly type: 'json';
  readonly jsonType?: 'object' | 'array';
}

/**
 * Any other type: `parse` turns the (fetched) text into a value or says why not; `format` prints the default in
 * `--help` (default: `String(value)`). Declare with {@link customFlag} to have `T` inferred for `validate`.
 */
export interface CustomFlag<T> extends FlagBase<T> {
  readonly type: 'custom';
  readonly parse: (text: string) => Result<T, string | Error>;
  readonly format?: (value: T) => string;
}

/** One flag's declaration. */
export type FlagDef =
  | StringFlag
  | BooleanFlag
  | NumberFlag
  | IntegerFlag
  | DurationFlag
  | BytesFlag
  | JsonFlag
  // `any`: a spec holds custom flags of many T; each flag keeps its own T through inference.
  | CustomFlag<any>;

/** A flag set: flag name (as given on the command line, lowercase, `_` not `-` by Mesos's habit) to declaration. */
export type FlagSpec = { readonly [name: string]: FlagDef };

/** The type of value a declaration yields. */
export type FlagValue<D> = D extends { readonly type: 'string' }
  ? string
  : D extends { readonly type: 'boolean' }
    ? boolean
    : D extends { readonly type: 'number' | 'integer' | 'duration' | 'bytes' }
      ? number
      : D extends { readonly type: 'custom'; readonly parse: (text: string) => infer R }
        ? Extract<R, { readonly ok: true }> extends { readonly value: infer T }
          ? T
          : never
        : unknown;

type AlwaysSet<D> = D extends { readonly required: true } ? true : D extends { readonly default: unknown } ? true : false;

/** The loaded values of a flag set: required and defaulted flags always have one, others may be `undefined`. */
export type FlagValues<S extends FlagSpec> = {
  -readonly [K in keyof S]: AlwaysSet<S[K]> extends true ? FlagValue<S[K]> : FlagValue<S[K]> | undefined;
} & {
  /** The built-in `--help` flag every flag set has. */
  help: boolean;
};

/** Where a flag's value came from. */
export type FlagSource = 'argv' | 'env' | 'default';

/** What {@link parseFlags} returns on success. */
export interface LoadedFlags<S extends FlagSpec> {
  readonly flags: FlagValues<S>;
  /** Per flag that has a value: whether it came from the command line, the environment or its default. */
  readonly sources: { readonly [K in keyof S | 'help']?: FlagSource };
  /** E.g. "Loaded deprecated flag 'slave_reregister_timeout'"; the caller logs them. */
  readonly warnings: readonly string[];
  /** Arguments that are not flags (no leading `--`), then everything after a lone `--`, untouched. */
  readonly positional: readonly string[];
}

/** Reads a file's whole content as UTF-8 text, throwing (as `fs.readFileSync` does) when it cannot. */
export type ReadFile = (path: string) => string;

export interface ParseFlagsOptions {
  /** The arguments after the program name (`process.argv.slice(2)`). */
  readonly argv?: readonly string[];
  /** The environment to read `<envPrefix><NAME>` from (`process.env`); none when omitted. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default `MESOS_`; `null` ignores the environment. */
  readonly envPrefix?: string | null;
  /** Reads `file://` values; default `fs.readFileSync(path, 'utf8')`. */
  readonly readFile?: ReadFile;
  /** Skip unknown flags instead of failing (stout's `unknowns`). */
  readonly allowUnknown?: boolean;
  /** Let a later occurrence of a flag win instead of failing (stout's `duplicates`). */
  readonly allowDuplicates?: boolean;
}
