// The README example, kept here so that tools/tsconfig.json type-checks it. It needs a
// running master (issue #4), so no test runs it yet.
import { SchedulerClient, isSchedulerError } from '@mesos-ts/client';
import { scheduler, Value_Type } from '@mesos-ts/proto';

const client = new SchedulerClient({
  master: 'http://master.example:5050',          // any master; a non-leader answers 307 to the leader
  frameworkInfo: { user: 'alice', name: 'hello', failoverTimeout: 600 },
  reconnect: { initialDelayMs: 500, maxDelayMs: 30_000 },  // resubscribe with the framework ID on failures
});

try {
  for await (const event of client.subscribe()) {
    switch (event.type) {
      case scheduler.Event_Type.SUBSCRIBED:
        console.log('framework', client.frameworkId?.value);
        break;
      case scheduler.Event_Type.OFFERS:
        for (const offer of event.offers?.offers ?? []) {
          await client.launch(offer, [{
            name: 'sleep', taskId: { value: `sleep-${Date.now()}` },
            resources: [{ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 0.1 } }],
            command: { value: 'sleep 10' },
          }]);
        }
        break;
      case scheduler.Event_Type.UPDATE:
        if (event.update?.status) await client.acknowledge(event.update.status); // no-op without a uuid
        break;
    }
  }
} catch (error) {
  if (isSchedulerError(error)) console.error(error.kind, error.status, error.body);
  throw error;
}
