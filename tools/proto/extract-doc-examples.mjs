#!/usr/bin/env node
// Collects the JSON examples of Apache Mesos's HTTP API documentation into a
// test fixture, each with the message type it is an example of, so our Mesos
// JSON codec can be tested against what Mesos's own docs say is on the wire.
//
//   node tools/proto/extract-doc-examples.mjs --mesos-docs <mesos checkout>/docs
//
// Writes packages/proto/test/fixtures/mesos-doc-examples.json. Examples that
// are not valid JSON (the docs elide parts with "...") are skipped and listed.
// Numbers are kept as written (64-bit values such as nanoseconds stay exact).
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { parse as parseJson, stringify as stringifyJson } from 'lossless-json';

const DOCS = {
  'scheduler-http-api.md': () => ({ call: 'mesos.v1.scheduler.Call', event: 'mesos.v1.scheduler.Event' }),
  'executor-http-api.md': () => ({ call: 'mesos.v1.executor.Call', event: 'mesos.v1.executor.Event' }),
  // The operator doc has a master section and an agent section.
  'operator-http-api.md': (heading) =>
    /agent/i.test(heading)
      ? { call: 'mesos.v1.agent.Call', response: 'mesos.v1.agent.Response', event: 'mesos.v1.agent.Event' }
      : { call: 'mesos.v1.master.Call', response: 'mesos.v1.master.Response', event: 'mesos.v1.master.Event' },
};

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Finds balanced top-level JSON objects starting at a line that begins with "{". */
function objectsIn(lines, startLine) {
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\{\s*$|^\{/.test(lines[i])) continue;
    let depth = 0;
    let inString = false;
    let escaped = false;
    let text = '';
    let end = -1;
    outer: for (let j = i; j < lines.length; j++) {
      const line = lines[j] + '\n';
      for (const ch of line) {
        text += ch;
        if (inString) {
          if (escaped) escaped = false;
          else if (ch === '\\') escaped = true;
          else if (ch === '"') inString = false;
        } else if (ch === '"') inString = true;
        else if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') {
          depth--;
          if (depth === 0) {
            end = j;
            break outer;
          }
        }
      }
    }
    if (end < 0) continue;
    found.push({ line: startLine + i + 1, text: text.trim(), lines: lines.slice(Math.max(0, i - 12), i) });
    i = end;
  }
  return found;
}

function kindOf(context) {
  // The nearest label above the JSON says what it is.
  for (let k = context.length - 1; k >= 0; k--) {
    const l = context[k];
    if (/Request\s*\(JSON\)/i.test(l)) return 'call';
    if (/Event\s*\(JSON\)|<event length>|Response Event/i.test(l)) return 'event';
    if (/Response\s*\(JSON\)/i.test(l)) return 'response';
  }
  return undefined;
}

const docsDir = arg('--mesos-docs');
if (!docsDir) {
  console.error('usage: extract-doc-examples.mjs --mesos-docs <mesos checkout>/docs');
  process.exit(2);
}
const examples = [];
const skipped = [];
for (const [doc, typesFor] of Object.entries(DOCS)) {
  const lines = fs.readFileSync(path.join(docsDir, doc), 'utf8').split('\n');
  let heading = '';
  let block = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (block === null && /^#{1,2} /.test(line)) heading = line;
    if (line.startsWith('```')) {
      if (block === null) block = { start: i + 1, lines: [] };
      else {
        for (const obj of objectsIn(block.lines, block.start)) {
          const kind = kindOf(obj.lines);
          const type = kind && typesFor(heading)[kind];
          if (!type) continue;
          try {
            examples.push({ source: `${doc}:${obj.line}`, type, json: parseJson(obj.text) });
          } catch (e) {
            skipped.push(`${doc}:${obj.line} (${type}): ${e.message}`);
          }
        }
        block = null;
      }
      continue;
    }
    if (block !== null) block.lines.push(line);
  }
}
const out = path.resolve(import.meta.dirname, '../../packages/proto/test/fixtures/mesos-doc-examples.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  stringifyJson(
    {
      about:
        'JSON examples from the HTTP API documentation of Apache Mesos 1.11 (docs/scheduler-http-api.md, executor-http-api.md, operator-http-api.md; Apache License 2.0), collected by tools/proto/extract-doc-examples.mjs as test data for the Mesos JSON codec.',
      examples,
    },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${examples.length} examples to ${path.relative(process.cwd(), out)}`);
if (skipped.length > 0) console.log(`skipped ${skipped.length} that are not valid JSON:\n  ${skipped.join('\n  ')}`);
