#!/usr/bin/env node
// Compares our proto/ tree with the .proto files of an Apache Mesos checkout,
// message by message and field by field: names, numbers, types, labels,
// defaults, deprecation, declaration order (Mesos writes JSON fields in
// declaration order) and enum values. Comments and file layout are free to
// differ; nothing else may.
//
//   node tools/proto/compare-with-mesos.mjs --mesos-include <mesos>/include [--ours proto]
//
// Only the packages named on the issue (and what they import) are compared.
// Exits 1 and lists every difference when the two disagree.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import protobuf from 'protobufjs';

const ROOT_FILES = [
  'mesos/v1/scheduler/scheduler.proto',
  'mesos/v1/executor/executor.proto',
  'mesos/v1/master/master.proto',
  'mesos/v1/agent/agent.proto',
  'mesos/v1/quota/quota.proto',
  'mesos/v1/maintenance/maintenance.proto',
  'mesos/v1/allocator/allocator.proto',
];

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function load(includeDir, extraInclude) {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    for (const dir of [includeDir, extraInclude]) {
      const p = path.join(dir, target);
      if (fs.existsSync(p)) return p;
    }
    return target;
  };
  root.loadSync(ROOT_FILES, { keepCase: true });
  root.resolveAll();
  return root;
}

/** Flattens a root into "fully.qualified.Name" -> description lines. */
function describe(root) {
  const out = new Map();
  const visit = (ns) => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        const lines = [];
        for (const f of nested.fieldsArray) {
          const type = f.resolvedType ? f.resolvedType.fullName.slice(1) : f.type;
          const key = f.map ? `map<${f.keyType},${type}>` : type;
          const opts = f.options ?? {};
          const dflt = opts.default === undefined ? '' : ` default=${JSON.stringify(opts.default)}`;
          const dep = opts.deprecated ? ' deprecated' : '';
          const packed = opts.packed !== undefined ? ` packed=${opts.packed}` : '';
          const oneof = f.partOf ? ` oneof=${f.partOf.name}` : '';
          lines.push(`${f.rule ?? 'optional'} ${key} ${f.name} = ${f.id}${dflt}${dep}${packed}${oneof}`);
        }
        out.set(`message ${nested.fullName.slice(1)}`, lines);
        visit(nested);
      } else if (nested instanceof protobuf.Enum) {
        const lines = Object.entries(nested.values).map(([k, v]) => `${k} = ${v}`);
        out.set(`enum ${nested.fullName.slice(1)}`, lines);
      } else if (nested instanceof protobuf.Namespace) {
        visit(nested);
      }
    }
  };
  visit(root);
  return out;
}

const mesosInclude = arg('--mesos-include');
if (!mesosInclude) {
  console.error('usage: compare-with-mesos.mjs --mesos-include <mesos checkout>/include [--ours proto]');
  process.exit(2);
}
const ours = path.resolve(arg('--ours', path.join(import.meta.dirname, '../../proto')));
// Mesos's tree has no google/protobuf/*.proto; borrow ours for both sides.
const theirs = describe(load(path.resolve(mesosInclude), ours));
const mine = describe(load(ours, ours));

let problems = 0;
const report = (line) => {
  problems++;
  console.log(line);
};
for (const [name, lines] of theirs) {
  if (name.startsWith('message google.') || name.startsWith('enum google.')) continue;
  const ourLines = mine.get(name);
  if (!ourLines) {
    report(`missing: ${name}`);
    continue;
  }
  const n = Math.max(lines.length, ourLines.length);
  for (let i = 0; i < n; i++) {
    if (lines[i] !== ourLines[i]) {
      report(`${name} #${i}: mesos has "${lines[i] ?? '(nothing)'}", ours has "${ourLines[i] ?? '(nothing)'}"`);
    }
  }
}
for (const name of mine.keys()) {
  if (!theirs.has(name) && !name.includes(' google.')) report(`extra (not in Mesos): ${name}`);
}
const count = [...theirs.keys()].filter((k) => !k.includes(' google.')).length;
if (problems > 0) {
  console.log(`${problems} difference(s) over ${count} messages and enums`);
  process.exit(1);
}
console.log(`identical: ${count} messages and enums, field for field`);
