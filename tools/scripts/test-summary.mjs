#!/usr/bin/env node
// Sums the jest results each package wrote (<package>/.jest-results.json,
// written by `jest --json`) into one closing line, and exits 1 if any test
// failed or a package that has tests wrote no results.
import fs from 'node:fs';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '../..');
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const group of ['packages', 'apps']) {
  const dir = path.join(repo, group);
  if (!fs.existsSync(dir)) continue;
  for (const name of fs.readdirSync(dir).sort()) {
    const pkgFile = path.join(dir, name, 'package.json');
    if (!fs.existsSync(pkgFile) || !JSON.parse(fs.readFileSync(pkgFile, 'utf8')).scripts?.test) continue;
    const results = path.join(dir, name, '.jest-results.json');
    if (!fs.existsSync(results)) {
      missing.push(`${group}/${name}`);
      continue;
    }
    const r = JSON.parse(fs.readFileSync(results, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  }
}
if (missing.length > 0) console.log(`no test results from: ${missing.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing.length > 0 || passed === 0 ? 1 : 0);
