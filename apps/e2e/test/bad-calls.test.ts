/**
 * Bad scheduler calls never hurt the master: a malformed body is a 400 naming the problem, and ACCEPTs that
 * Mesos takes (202) but refuses inside (unknown offers, more than offered) come back as status updates, exactly
 * as Mesos 1.11 answers them. The master keeps serving throughout.
 */
import { encodeProtobuf, scheduler, TaskState, TaskStatus_Reason } from '@mesos-ts/proto';
import { startCluster, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask } from '../src/scheduler';

async function post(url: string, body: string | Uint8Array, contentType: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/api/v1/scheduler`, { method: 'POST', headers: { 'Content-Type': contentType, Accept: 'application/json', ...headers }, body });
  return { status: res.status, text: await res.text() };
}

describe('bad scheduler calls', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('answers malformed and mistyped bodies with a 400 that names the problem', async () => {
    const json = 'application/json';
    const truncated = await post(cluster.masterUrl, '{"type":"SUBSCRIBE","subscribe":', json);
    expect(truncated.status).toBe(400);
    expect(truncated.text).not.toBe('');

    const wrongType = await post(cluster.masterUrl, '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":7,"name":"x"}}}', json);
    expect(wrongType.status).toBe(400);
    expect(wrongType.text).toMatch(/user/);

    const missing = await post(cluster.masterUrl, '{"type":"SUBSCRIBE"}', json);
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/subscribe/i);

    const garbage = await post(cluster.masterUrl, new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]), 'application/x-protobuf');
    expect(garbage.status).toBe(400);

    const noStream = await post(cluster.masterUrl, JSON.stringify({ framework_id: { value: 'nope' }, type: 'REVIVE' }), json);
    expect([400, 403]).toContain(noStream.status);

    const wrongMedia = await post(cluster.masterUrl, '{}', 'text/plain');
    expect(wrongMedia.status).toBe(415);

    expect((await fetch(`${cluster.masterUrl}/health`)).status).toBe(200);
  });

  it('rejects a wrong Mesos-Stream-Id with 403', async () => {
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'stream-id' } });
    try {
      const frameworkId = await framework.subscribe();
      const call = JSON.stringify({ framework_id: { value: frameworkId }, type: 'REVIVE' });
      const wrong = await post(cluster.masterUrl, call, 'application/json', { 'Mesos-Stream-Id': '00000000-0000-0000-0000-000000000000' });
      expect(wrong.status).toBe(403);
      const right = await post(cluster.masterUrl, call, 'application/json', { 'Mesos-Stream-Id': framework.client.streamId ?? '' });
      expect(right.status).toBe(202);
      const pb = await fetch(`${cluster.masterUrl}/api/v1/scheduler`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-protobuf', 'Mesos-Stream-Id': framework.client.streamId ?? '' },
        body: encodeProtobuf('mesos.v1.scheduler.Call', { frameworkId: { value: frameworkId }, type: scheduler.Call_Type.SUPPRESS }),
      });
      expect(pb.status).toBe(202);
    } finally {
      await framework.close();
    }
  });

  it('drops tasks launched with unknown offers and refuses tasks that use more than offered, as Mesos does', async () => {
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'bad-accept' } });
    try {
      await framework.subscribe();
      const [offer] = await framework.takeOffers();
      const ghost = { ...offer!, id: { value: 'no-such-offer' } };
      await framework.launch(ghost, [commandTask(offer!, 'ghost', 'true')]);
      const lost = await framework.waitForTerminal('ghost');
      expect(lost.state).toBe(TaskState.TASK_LOST);
      expect(lost.reason).toBe(TaskStatus_Reason.REASON_INVALID_OFFERS);

      // The real offer is still outstanding: an ACCEPT naming only unknown offers leaves it alone.
      await framework.launch(offer!, [commandTask(offer!, 'greedy', 'true', 1000, 32)]);
      const error = await framework.waitForTerminal('greedy');
      expect(error.state).toBe(TaskState.TASK_ERROR);
      expect(error.reason).toBe(TaskStatus_Reason.REASON_TASK_INVALID);
      expect(error.message).toMatch(/more resources than available|resources/i);
      expect((await fetch(`${cluster.masterUrl}/health`)).status).toBe(200);
    } finally {
      await framework.close();
    }
  });
});
