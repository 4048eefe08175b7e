/**
 * Typed entry points of the codecs. Every function takes the fully qualified
 * message name first (`'mesos.v1.scheduler.Call'`), which also fixes the
 * TypeScript type of the message.
 */
import type { Result } from '@mesos-ts/errors';
import type { MessageName, MessageTypes } from '../gen/messages';
import { decodeBinary, encodeBinary } from './binary';
import { decodeMesosJsonValue, parseMesosJsonText, type MesosJsonDecodeOptions } from './json-decode';
import { stringifyMesosJson, toMesosJsonValue, writeMesosJsonText, type MesosJsonValue } from './json-encode';

export type { MesosJsonDecodeOptions } from './json-decode';
export type { MesosJsonValue } from './json-encode';
export { stringifyMesosJson };

/** Writes `message` as Mesos JSON text (fields in declaration order, defaults filled in as Mesos does). */
export function encodeMesosJson<N extends MessageName>(type: N, message: MessageTypes[N]): string {
  return writeMesosJsonText(type, message);
}

/** Converts `message` to the JSON value Mesos would write; 64-bit integers are bigint. */
export function toMesosJson<N extends MessageName>(type: N, message: MessageTypes[N]): { [key: string]: MesosJsonValue } {
  return toMesosJsonValue(type, message);
}

/**
 * Parses Mesos JSON text (string or UTF-8 bytes). Errors are values naming
 * the field, e.g. `Failed to parse mesos.v1.scheduler.Call from JSON:
 * subscribe.framework_info.user: expected a string, got number 1`.
 */
export function parseMesosJson<N extends MessageName>(type: N, text: string | Uint8Array, options?: MesosJsonDecodeOptions): Result<MessageTypes[N]> {
  return parseMesosJsonText(type, text, options) as Result<MessageTypes[N]>;
}

/** Converts an already parsed JSON value (64-bit integers as number, bigint or numeric string). */
export function decodeMesosJson<N extends MessageName>(type: N, json: unknown, options?: MesosJsonDecodeOptions): Result<MessageTypes[N]> {
  return decodeMesosJsonValue(type, json, options) as Result<MessageTypes[N]>;
}

/** Serialises `message` to protobuf binary. */
export function encodeProtobuf<N extends MessageName>(type: N, message: MessageTypes[N]): Uint8Array {
  return encodeBinary(type, message);
}

/** Parses protobuf binary; malformed input is an error value. */
export function decodeProtobuf<N extends MessageName>(type: N, bytes: Uint8Array): Result<MessageTypes[N]> {
  return decodeBinary(type, bytes) as Result<MessageTypes[N]>;
}
