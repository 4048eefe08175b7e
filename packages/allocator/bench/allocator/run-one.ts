/**
 * Runs the allocator scenarios whose `name k=v ...` matches a regex, slow or
 * not, outside the bench runner: for profiling, e.g.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx --conditions=@mesos-ts/source \
 *     packages/allocator/bench/allocator/run-one.ts 'DeclineOffers agents=10000 frameworks=1000$'
 *   node tools/scripts/profile-top.mjs /tmp/prof/<file>.cpuprofile
 *
 * (ALLOCATOR_DECLINE_ROUNDS=<n> shortens DeclineOffers.)
 */
import { scenarios } from '../allocator.bench';

async function main(): Promise<void> {
  const pattern = new RegExp(process.argv[2] ?? '.');
  const chosen = scenarios.filter((s) => pattern.test(`${s.name} ${Object.entries(s.params).map(([k, v]) => `${k}=${v}`).join(' ')}`));
  if (chosen.length === 0) throw new Error(`no allocator scenario matches ${pattern}`);
  for (const s of chosen) {
    for (const f of await s.run()) console.log(`${s.name} ${JSON.stringify(s.params)} ${f.metric} = ${f.value.toFixed(2)} ${f.unit}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
