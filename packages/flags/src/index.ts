export { formatBytes, parseBytes } from './bytes';
export { formatDuration, formatDurationNanos, nanosToMillis, parseDuration, parseDurationNanos } from './duration';
export { resolveCommandLine, type CommandLineAction, type CommandLineOptions } from './command-line';
export { customFlag, defineFlags } from './define';
export { formatHelp, type FormatHelpOptions } from './help';
export { FlagsError, parseFlags } from './parse-flags';
export { readFileUtf8 } from './read-file';
export type {
  BooleanFlag,
  BytesFlag,
  CustomFlag,
  DurationFlag,
  FlagAlias,
  FlagDef,
  FlagSource,
  FlagSpec,
  FlagValue,
  FlagValues,
  IntegerFlag,
  JsonFlag,
  LoadedFlags,
  NumberFlag,
  ParseFlagsOptions,
  ReadFile,
  StringFlag,
} from './types';
