// The Mesos v1 API: generated types (mesos.v1 flat, the other packages as
// namespaces, since several of them define a `Call`, `Event` or `Response`).
export * from './gen/mesos/v1/mesos';
export * as scheduler from './gen/mesos/v1/scheduler/scheduler';
export * as executor from './gen/mesos/v1/executor/executor';
export * as master from './gen/mesos/v1/master/master';
export * as agent from './gen/mesos/v1/agent/agent';
export * as quota from './gen/mesos/v1/quota/quota';
export * as maintenance from './gen/mesos/v1/maintenance/maintenance';
export * as allocator from './gen/mesos/v1/allocator/allocator';
/** mesos-ts's own master-agent protocol (proto/mesos_ts/internal), not part of Mesos's API. */
export * as internal from './gen/mesos_ts/internal/internal';
export type { Duration } from './gen/google/protobuf/duration';
export type { MessageName, MessageTypes } from './gen/messages';
export {
  decodeMesosJson,
  decodeProtobuf,
  encodeMesosJson,
  encodeProtobuf,
  parseMesosJson,
  stringifyMesosJson,
  toMesosJson,
  type MesosJsonDecodeOptions,
  type MesosJsonValue,
} from './codec';
export { allMessageNames, messageSchema, type FieldSchema, type MessageSchema } from './codec/schema';
export { isTerminalState } from './task-state';
