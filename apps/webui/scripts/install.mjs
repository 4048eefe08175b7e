#!/usr/bin/env node
// Copies the built web UI (apps/webui/dist) into a directory of another package, e.g. the master's dist/webui:
// `node ../webui/scripts/install.mjs dist/webui` from apps/master. Fails with one clear line when the UI is not built.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = resolve(dirname(fileURLToPath(import.meta.url)), '../dist');
const target = process.argv[2];
if (target === undefined || target === '') {
  console.error('usage: install.mjs <target directory>');
  process.exit(2);
}
if (!existsSync(join(source, 'index.html'))) {
  console.error(`mesos-ts: the web UI is not built (${source}/index.html is missing): run \`npm run build -w @mesos-ts/webui\` first`);
  process.exit(1);
}
const dest = resolve(target);
rmSync(dest, { recursive: true, force: true });
cpSync(source, dest, { recursive: true });
console.log(`mesos-ts: web UI copied to ${dest}`);
