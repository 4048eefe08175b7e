import { readFileSync } from 'node:fs';
import type { ReadFile } from './types';

/**
 * The default reader for `file://` values: the file's whole content as UTF-8, untrimmed (stout's `os::read`).
 * This is the package's only I/O; pass your own `readFile` to `parseFlags` to keep a caller pure.
 */
export const readFileUtf8: ReadFile = (path) => readFileSync(path, 'utf8');
