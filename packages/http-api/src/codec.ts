import { MesosTsError, err, type Result } from '@mesos-ts/errors';
import {
  decodeProtobuf,
  encodeMesosJson,
  encodeProtobuf,
  parseMesosJson,
  type MesosJsonDecodeOptions,
  type MessageName,
  type MessageTypes,
} from '@mesos-ts/proto';
import { mediaTypeOf, type ContentType, type MessageContentType } from './media-types';

/** Options of {@link decodeRequest}. */
export interface DecodeRequestOptions {
  /**
   * What to do with an enum name the schema does not know in JSON. Default `'drop'`: leave the field unset, as
   * Mesos 1.11's JSON parser does for optional fields (the call then usually fails the handler's validation,
   * e.g. "Expecting 'type' to be present"). `'error'` rejects it naming the field.
   */
  readonly unknownEnums?: MesosJsonDecodeOptions['unknownEnums'];
}

// The three handlers that decode their Call inline (master/http.cpp `scheduler` and `api`, slave/http.cpp
// `executor`) word their errors one way; everything else goes through common/http.hpp's `deserialize`.
const HANDLER_WORDING: ReadonlySet<string> = new Set([
  'mesos.v1.scheduler.Call',
  'mesos.v1.executor.Call',
  'mesos.v1.master.Call',
]);

/** Strips our codec's own "Failed to parse <type>..." lead so Mesos's prefix is not doubled. */
function detail(message: string, lead: string): string {
  return message.startsWith(lead) ? message.slice(lead.length) : message;
}

/**
 * Decodes a request body into the message `typeName` (e.g. `'mesos.v1.scheduler.Call'`), with the 400 body
 * Mesos answers followed by our codec's detail (which names the field and value at fault):
 *
 * | | scheduler / executor / master `Call` | other types (agent `Call`: `deserialize`) |
 * |---|---|---|
 * | bad protobuf | `Failed to parse body into Call protobuf: <detail>` | `Failed to parse body into a protobuf object: <detail>` |
 * | bad JSON text | `Failed to parse body into JSON: <detail>` | same |
 * | JSON not a valid message | `Failed to convert JSON into Call protobuf: <detail>` | `<detail>` |
 * | `recordio` | - | `Deserializing a RecordIO stream is not supported` |
 *
 * Mesos's protobuf message has no detail (protobuf's `ParseFromString` gives none); ours adds it after `: `.
 * Never throws; every error is `INVALID_ARGUMENT` (400).
 */
export function decodeRequest<N extends MessageName>(
  typeName: N,
  body: Uint8Array,
  contentType: ContentType,
  options: DecodeRequestOptions = {},
): Result<MessageTypes[N]> {
  const handler = HANDLER_WORDING.has(typeName);
  try {
    if (contentType === 'protobuf') {
      const parsed = decodeProtobuf(typeName, body);
      if (parsed.ok) return parsed;
      const why = detail(parsed.error.message, `Failed to parse ${typeName} from protobuf: `);
      const prefix = handler ? 'Failed to parse body into Call protobuf' : 'Failed to parse body into a protobuf object';
      return err(new MesosTsError('INVALID_ARGUMENT', `${prefix}: ${why}`, { cause: parsed.error }));
    }
    if (contentType === 'json') {
      const parsed = parseMesosJson(typeName, body, { unknownEnums: options.unknownEnums ?? 'drop' });
      if (parsed.ok) return parsed;
      const message = parsed.error.message;
      const syntaxLead = `Failed to parse ${typeName}: malformed JSON: `;
      if (message.startsWith(syntaxLead)) {
        return err(
          new MesosTsError('INVALID_ARGUMENT', `Failed to parse body into JSON: ${detail(message, syntaxLead)}`, { cause: parsed.error }),
        );
      }
      const why = detail(message, `Failed to parse ${typeName} from JSON: `);
      return err(
        new MesosTsError('INVALID_ARGUMENT', handler ? `Failed to convert JSON into Call protobuf: ${why}` : why, { cause: parsed.error }),
      );
    }
    if (contentType === 'recordio') {
      return err(new MesosTsError('INVALID_ARGUMENT', 'Deserializing a RecordIO stream is not supported'));
    }
    return err(new MesosTsError('UNSUPPORTED_MEDIA_TYPE', `Cannot decode a body of content type '${String(contentType)}'`));
  } catch (e) {
    // The codecs promise not to throw on input; this keeps that promise here even if one breaks it.
    return err(new MesosTsError('INVALID_ARGUMENT', `Failed to decode ${typeName}: ${(e as Error)?.message ?? String(e)}`, { cause: e }));
  }
}

/** A response body and the `Content-Type` to send it with. */
export interface EncodedMessage {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** Serialises one message (a response or a streamed event body) as JSON or protobuf. */
export function encodeMessage<N extends MessageName>(typeName: N, message: MessageTypes[N], contentType: MessageContentType): Uint8Array {
  return contentType === 'protobuf' ? encodeProtobuf(typeName, message) : Buffer.from(encodeMesosJson(typeName, message), 'utf8');
}

/**
 * Encodes a synchronous response as Mesos's `serialize(contentType, message)` (src/common/http.cpp): Mesos JSON
 * or protobuf binary, with `Content-Type` `application/json` or `application/x-protobuf`. Throws
 * `MesosTsError` only for a message that does not fit its schema (a bug, not input).
 */
export function encodeResponse<N extends MessageName>(typeName: N, message: MessageTypes[N], contentType: MessageContentType): EncodedMessage {
  return { body: encodeMessage(typeName, message, contentType), contentType: mediaTypeOf(contentType) };
}
