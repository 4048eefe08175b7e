import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { readFileUtf8 } from './read-file';
import { aliasDeprecated, byteOrder, compileSpec, type CompiledSpec } from './internal/spec';
import { parseValue } from './internal/values';
import type { FlagSource, FlagSpec, FlagValues, LoadedFlags, ParseFlagsOptions, ReadFile } from './types';

/**
 * Why a flag set could not be loaded. The message is stout's, word for word where Mesos has one, e.g.
 * `Failed to load flag 'allocation_interval': Failed to load value '5sex': Unknown duration unit 'sex'; ...`.
 */
export class FlagsError extends MesosTsError {
  /** The flag the message is about (as the user spelled it), when there is one. */
  readonly flag: string | undefined;
  /**
   * Whether `--help` (or `<prefix>HELP`) was given and valid. Mesos prints the help and exits 0 in that case
   * even though other flags are wrong, so callers should check this before reporting the error.
   */
  readonly helpRequested: boolean;

  constructor(message: string, flag: string | undefined, helpRequested: boolean) {
    super('INVALID_ARGUMENT', message);
    this.flag = flag;
    this.helpRequested = helpRequested;
  }
}

/** One `name[=value]` to load; `value` is absent for a bare `--name`. */
interface Entry {
  readonly name: string;
  readonly value: string | undefined;
  readonly source: 'argv' | 'env';
}

// stout trims these characters from each argument (strings::WHITESPACE).
const TRIM = /^[ \t\n\r]+|[ \t\n\r]+$/g;

// strings::lower works byte by byte in the C locale: only ASCII letters change.
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Splits the command line as stout's `FlagsBase::load(prefix, argc, argv)` does. */
function readArgv(argv: readonly string[]): { entries: Entry[]; positional: string[] } {
  const entries: Entry[] = [];
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const original = argv[i] ?? '';
    const arg = original.replace(TRIM, '');
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    // Not a flag; stout skips it (and a value after a space is one of these: `--port 5050` is not supported).
    if (!arg.startsWith('--')) {
      positional.push(original);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq === -1) entries.push({ name: asciiLower(arg.slice(2)), value: undefined, source: 'argv' });
    else entries.push({ name: asciiLower(arg.slice(2, eq)), value: arg.slice(eq + 1), source: 'argv' });
  }
  return { entries, positional };
}

/**
 * The flags set in the environment: `<prefix>NAME` or `<prefix>name` (also `<prefix>no-name`), known flags only;
 * others are ignored whatever `allowUnknown` says, as in stout.
 */
function readEnv(spec: CompiledSpec, env: Readonly<Record<string, string | undefined>>, prefix: string): Map<string, string> {
  const found = new Map<string, string>();
  // stout walks the environment as a sorted map, so of MESOS_IP and MESOS_ip the latter wins.
  for (const key of Object.keys(env).sort(byteOrder)) {
    const value = env[key];
    if (!key.startsWith(prefix) || value === undefined) continue;
    const name = asciiLower(key.slice(prefix.length));
    const flagName = name.startsWith('no-') ? name.slice(3) : name;
    if (spec.defs.has(flagName) || spec.aliases.has(flagName)) found.set(name, value);
  }
  return found;
}

// strerror(3) texts for the errors a read is likely to hit, so messages read as Mesos's do.
const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EMFILE: 'Too many open files',
  EIO: 'Input/output error',
};

function readError(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
  if (code !== undefined && STRERROR[code] !== undefined) return STRERROR[code];
  return e instanceof Error ? e.message : String(e);
}

/** stout's `fetch`: a `file://` value is replaced by the file's content (untrimmed), then parsed. */
function fetchText(value: string, readFile: ReadFile): Result<string, string> {
  if (!value.startsWith('file://')) return ok(value);
  const path = value.slice('file://'.length);
  try {
    const text = readFile(path);
    if (typeof text !== 'string') return err(`Error reading file '${path}': reader returned ${typeof text}`);
    return ok(text);
  } catch (e) {
    return err(`Error reading file '${path}': ${readError(e)}`);
  }
}

/** The boolean text a `help`/`no-help` entry stands for, or undefined when it is malformed. */
function helpValue(entry: Entry): boolean | undefined {
  const negated = entry.name === 'no-help';
  if (entry.value === undefined || entry.value === '') return !negated;
  if (negated) return undefined;
  if (entry.value === 'true' || entry.value === '1') return true;
  if (entry.value === 'false' || entry.value === '0') return false;
  return undefined;
}

/**
 * Loads a flag set from the command line and the environment, following stout's `FlagsBase::load`:
 *
 * - `--name=value`; a boolean also as `--name`, `--no-name`, `--name=true|false|1|0` (`--name=` means true).
 *   A separate value (`--port 5050`) is not read: `--port` has no value and `5050` is positional.
 * - Names are case-insensitive on the command line (lower-cased) and arguments are trimmed; `--` ends the flags.
 * - `<envPrefix>NAME` (or `<envPrefix>name`) sets a known flag; the command line wins over the environment.
 * - `file:///path` as a value reads the file and parses its content, untrimmed (a trailing newline stays in a
 *   string and makes a number invalid, as in Mesos).
 * - Unknown flags, flags given twice (also via their alias, or once in the environment as `no-name` and once
 *   on the command line as `name`), a value missing, a bad value, a missing required flag, and a failed
 *   `validate` are errors. Entries are processed in name order, so the error reported is the one stout reports.
 *
 * Never throws for any argv/env/file content; throws `MesosTsError` INTERNAL only for a malformed `spec`.
 */
export function parseFlags<const S extends FlagSpec>(spec: S, options: ParseFlagsOptions = {}): Result<LoadedFlags<S>, FlagsError> {
  const compiled = compileSpec(spec);
  const { entries, positional } = readArgv(options.argv ?? []);

  const prefix = options.envPrefix === undefined ? 'MESOS_' : options.envPrefix;
  if (prefix !== null && options.env !== undefined) {
    const given = new Set(entries.map((e) => e.name));
    for (const [name, value] of readEnv(compiled, options.env, prefix)) {
      if (!given.has(name)) entries.push({ name, value, source: 'env' });
    }
  }
  // stout keeps the entries in a multimap: sorted by name, equal names in the order given (sort is stable).
  entries.sort((a, b) => byteOrder(a.name, b.name));

  const helpEntries = entries.filter((e) => e.name === 'help' || e.name === 'no-help');
  const helpRequested = helpEntries.length > 0 && helpEntries.every((e) => helpValue(e) !== undefined) && helpValue(helpEntries[helpEntries.length - 1]!) === true;
  const fail = (message: string, flag?: string): Result<never, FlagsError> => err(new FlagsError(message, flag, helpRequested));

  const readFile = options.readFile ?? readFileUtf8;
  const values = new Map<string, unknown>();
  const sources = new Map<string, FlagSource>();
  const loadedVia = new Map<string, string>();
  const warnings: string[] = [];

  for (const { name, value, source } of entries) {
    const negated = name.startsWith('no-');
    const flagName = negated ? name.slice(3) : name;
    const canonical = compiled.aliases.get(flagName) ?? flagName;
    const def = compiled.defs.get(canonical);
    if (def === undefined) {
      if (options.allowUnknown === true) continue;
      return fail(`Failed to load unknown flag '${flagName}'${negated ? ` via '${name}'` : ''}`, flagName);
    }

    const previous = loadedVia.get(canonical);
    if (previous !== undefined && options.allowDuplicates !== true) {
      return fail(`Flag '${flagName}' is already loaded via name '${previous}'`, flagName);
    }

    let text: string;
    if (def.type !== 'boolean') {
      if (negated) return fail(`Failed to load non-boolean flag '${flagName}' via '${name}'`, flagName);
      if (value === undefined) return fail(`Failed to load non-boolean flag '${flagName}': Missing value`, flagName);
      text = value;
    } else if (value === undefined || value === '') {
      text = negated ? 'false' : 'true';
    } else if (!negated) {
      text = value;
    } else {
      return fail(`Failed to load boolean flag '${flagName}' via '${name}' with value '${value}'`, flagName);
    }

    const fetched = def.fetch === false ? ok(text) : fetchText(text, readFile);
    const parsed = fetched.ok ? parseValue(def, fetched.value) : fetched;
    if (!parsed.ok) return fail(`Failed to load flag '${flagName}': Failed to load value '${text}': ${parsed.error}`, flagName);

    values.set(canonical, parsed.value);
    sources.set(canonical, source);
    loadedVia.set(canonical, flagName);
    const deprecated = flagName === canonical ? def.deprecated === true : aliasDeprecated(def);
    if (deprecated) warnings.push(`Loaded deprecated flag '${flagName}'`);
  }

  // Then, flag by flag in name order: required flags present, defaults filled in, validators run.
  for (const name of compiled.names) {
    const def = compiled.defs.get(name)!;
    if (!values.has(name)) {
      if (def.required === true) return fail(`Flag '${name}' is required, but it was not provided`, name);
      if (def.default !== undefined) {
        values.set(name, def.default);
        sources.set(name, 'default');
      }
    }
    if (def.validate !== undefined && values.has(name)) {
      let problem: string | undefined;
      try {
        problem = (def.validate as (v: unknown) => string | undefined)(values.get(name));
      } catch (e) {
        problem = e instanceof Error ? e.message : String(e);
      }
      if (problem !== undefined) return fail(problem, name);
    }
  }

  const flags: Record<string, unknown> = {};
  for (const name of compiled.names) flags[name] = values.get(name);
  return ok({
    flags: flags as FlagValues<S>,
    sources: Object.fromEntries(sources) as LoadedFlags<S>['sources'],
    warnings,
    positional,
  });
}
