/**
 * Codec throughput on the messages that dominate a busy master: an OFFERS
 * event carrying many offers (each with cpus, mem, disk, ports and
 * attributes). Mesos publishes no figure for this.
 */
import type { BenchFigure, BenchScenario } from '../../../tools/bench/harness';
import { time } from '../../../tools/bench/harness';
import { decodeProtobuf, encodeMesosJson, encodeProtobuf, parseMesosJson, scheduler, Value_Type, type Offer, type Resource } from '@mesos-ts/proto';

function scalar(name: string, value: number): Resource {
  return { name, type: Value_Type.SCALAR, scalar: { value } };
}

function offersEvent(count: number): scheduler.Event {
  const offers: Offer[] = [];
  for (let i = 0; i < count; i++) {
    offers.push({
      id: { value: `5b2f7c9e-0f54-4bd1-9a37-0c6f4b7d2a11-O${i}` },
      frameworkId: { value: '5b2f7c9e-0f54-4bd1-9a37-0c6f4b7d2a11-0000' },
      agentId: { value: `5b2f7c9e-0f54-4bd1-9a37-0c6f4b7d2a11-S${i}` },
      hostname: `agent-${i}.example.com`,
      allocationInfo: { role: 'web' },
      resources: [
        scalar('cpus', 2),
        scalar('mem', 1024),
        scalar('disk', 4096),
        { name: 'ports', type: Value_Type.RANGES, ranges: { range: [{ begin: 31000n, end: 32000n }] } },
      ],
      attributes: [{ name: 'rack', type: Value_Type.TEXT, text: { value: `r${i % 40}` } }],
    });
  }
  return { type: scheduler.Event_Type.OFFERS, offers: { offers } };
}

function figures(count: number): BenchFigure[] {
  const event = offersEvent(count);
  const type = 'mesos.v1.scheduler.Event';
  const json = encodeMesosJson(type, event);
  const bytes = encodeProtobuf(type, event);
  const mb = (n: number, ns: number): number => n / 2 ** 20 / (ns / 1e9);
  const encJson = time(() => encodeMesosJson(type, event), { samples: 9 });
  const decJson = time(() => parseMesosJson(type, json), { samples: 9 });
  const encBin = time(() => encodeProtobuf(type, event), { samples: 9 });
  const decBin = time(() => decodeProtobuf(type, bytes), { samples: 9 });
  return [
    { metric: 'json_encode_ms', value: encJson.medianNs / 1e6, unit: 'ms' },
    { metric: 'json_encode_mb_per_s', value: mb(json.length, encJson.medianNs), unit: 'MiB/s' },
    { metric: 'json_decode_ms', value: decJson.medianNs / 1e6, unit: 'ms' },
    { metric: 'protobuf_encode_ms', value: encBin.medianNs / 1e6, unit: 'ms' },
    { metric: 'protobuf_decode_ms', value: decBin.medianNs / 1e6, unit: 'ms' },
    { metric: 'json_bytes', value: json.length, unit: 'B' },
    { metric: 'protobuf_bytes', value: bytes.length, unit: 'B' },
  ];
}

export const scenarios: BenchScenario[] = [1000, 10000].map((offers) => ({
  name: 'proto/OffersEvent',
  params: { offers },
  slow: offers > 1000,
  run: () => figures(offers),
}));
