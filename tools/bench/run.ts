/**
 * `npm run bench [-- --all] [-- --list]`: runs every package's benchmarks.
 *
 *   --all                  include the scenarios marked `slow` (the large parameter sets)
 *   --list                 list the scenarios (with their params) instead of running them
 *   BENCH_FILTER=<regex>   run only scenarios whose name, or `name k=v k=v` with their
 *                          params (e.g. `allocator/DeclineOffers agents=50000 frameworks=6000`),
 *                          matches; slow ones still need --all
 *   BENCH_JSON=<file>      append one JSON object per figure:
 *                          {scenario, ...params, metric, value, unit, reference?, target?}
 *
 * Run under `--expose-gc` (as `npm run bench` does), it prints the heap used
 * after each scenario, measured after a forced GC.
 */
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { heapUsedMiB, type BenchFigure, type BenchScenario } from './harness';

const repo = path.resolve(__dirname, '../..');

function discover(): string[] {
  const files: string[] = [];
  for (const group of ['packages', 'apps']) {
    const dir = path.join(repo, group);
    if (!fs.existsSync(dir)) continue;
    for (const pkg of fs.readdirSync(dir).sort()) {
      const bench = path.join(dir, pkg, 'bench');
      if (!fs.existsSync(bench)) continue;
      for (const f of fs.readdirSync(bench).sort()) if (f.endsWith('.bench.ts')) files.push(path.join(bench, f));
    }
  }
  return files;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

async function main(): Promise<void> {
  const all = process.argv.includes('--all');
  const list = process.argv.includes('--list');
  const filter = process.env['BENCH_FILTER'] ? new RegExp(process.env['BENCH_FILTER']) : undefined;
  const jsonFile = process.env['BENCH_JSON'];

  const scenarios: BenchScenario[] = [];
  for (const file of discover()) {
    const mod = (await import(file)) as { scenarios?: BenchScenario[] };
    scenarios.push(...(mod.scenarios ?? []));
  }
  const paramsText = (s: BenchScenario): string =>
    Object.entries(s.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
  const matching = filter ? scenarios.filter((s) => filter.test(s.name) || filter.test(`${s.name} ${paramsText(s)}`)) : scenarios;
  const selected = matching.filter((s) => all || !s.slow);
  if (list) {
    for (const s of matching) console.log(`${s.name}${s.slow ? ' (slow)' : ''} ${JSON.stringify(s.params)}`);
    return;
  }

  const header = ['scenario', 'params', 'metric', 'mesos-ts', 'Mesos', 'target', 'unit'];
  const rows: string[][] = [];
  console.log(header.join(' | '));
  for (const s of selected) {
    let figures: readonly BenchFigure[];
    try {
      figures = await s.run();
    } catch (e) {
      console.error(`${s.name}: failed: ${(e as Error).stack ?? String(e)}`);
      process.exitCode = 1;
      continue;
    }
    const params = paramsText(s);
    for (const f of figures) {
      const row = [s.name, params, f.metric, fmt(f.value), f.reference ? fmt(f.reference.value) : '-', f.target !== undefined ? fmt(f.target) : '-', f.unit];
      rows.push(row);
      console.log(row.join(' | '));
      if (jsonFile) {
        const line = { scenario: s.name, ...s.params, metric: f.metric, value: f.value, unit: f.unit, ...(f.reference ? { reference: f.reference.value, reference_source: f.reference.source } : {}), ...(f.target !== undefined ? { target: f.target } : {}) };
        fs.appendFileSync(jsonFile, JSON.stringify(line) + '\n');
      }
    }
    const heap = heapUsedMiB();
    if (heap.gc) console.log(`  # heap used after ${s.name} ${params}: ${heap.mib.toFixed(0)} MiB (after a full GC)`);
  }
  const skipped = matching.length - selected.length;
  console.log(`\n${rows.length} figure(s) from ${selected.length} scenario(s); heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
  if (skipped > 0) console.log(`${skipped} slow scenario(s) not run: add \`-- --all\` (npm run bench -- --all) to include them`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
