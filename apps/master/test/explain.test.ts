/**
 * `GET /master/allocation/explain` (beyond Mesos): why a framework receives no offers, from the allocator.
 */
import { cluster, TestFramework, type Cluster } from './helpers';

async function explain(url: string, query: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}/master/allocation/explain${query}`);
  return { status: res.status, body: await res.text() };
}

describe('/master/allocation/explain', () => {
  let c: Cluster;
  let f: TestFramework | undefined;
  afterEach(async () => {
    f?.close();
    await c.stop();
  });

  it('says a framework is offerable, then suppressed, with the reasons as data and sentences', async () => {
    c = await cluster(1);
    f = new TestFramework(c.url, {});
    await f.subscribe();
    await f.offers();
    const frameworkId = f.client.frameworkId?.value ?? '';

    const before = await explain(c.url, `?framework_id=${frameworkId}`);
    expect(before.status).toBe(200);
    const offerable = JSON.parse(before.body) as { framework_id: string; reasons: { kind: string }[]; summary: string[] };
    expect(offerable.framework_id).toBe(frameworkId);
    expect(offerable.summary.length).toBe(offerable.reasons.length);

    await f.client.suppress();
    const after = JSON.parse((await explain(c.url, `?framework_id=${frameworkId}`)).body) as { reasons: { kind: string; role?: string }[] };
    expect(after.reasons).toContainEqual({ kind: 'SUPPRESSED', role: '*' });
  });

  it('answers 400 without framework_id and 404 for a framework the master does not know', async () => {
    c = await cluster(0);
    expect(await explain(c.url, '')).toEqual({ status: 400, body: "Missing 'framework_id' query parameter" });
    expect(await explain(c.url, '?framework_id=nope')).toEqual({ status: 404, body: "Framework 'nope' is not known to this master" });
  });
});
