/**
 * The agent's v1 operator API, `POST /api/v1` (Mesos's `Http::api` / `_api` in src/slave/http.cpp): the call is
 * negotiated and decoded by @mesos-ts/http-api with Mesos's status codes (405, 400, 415, 406), validated with
 * Mesos's messages (`Failed to validate agent::Call: Expecting 'list_files' to be present`), then answered as
 * JSON or protobuf per `Accept`.
 *
 * Implemented: GET_HEALTH, GET_FLAGS, GET_VERSION, GET_METRICS, GET_LOGGING_LEVEL, SET_LOGGING_LEVEL,
 * LIST_FILES, READ_FILE, GET_STATE, GET_CONTAINERS, GET_FRAMEWORKS, GET_EXECUTORS, GET_TASKS, GET_AGENT, and
 * GET_OPERATIONS / GET_RESOURCE_PROVIDERS (always empty: the agent has no resource providers and keeps no
 * operations of its own). Other calls (nested and standalone containers, attach, resource provider configs,
 * PRUNE_IMAGES) answer 501 naming the call. UNKNOWN answers 501 as in Mesos.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { checkAgentStreamingCall, decodeRequest, negotiate, readBody, writeError, writeMessage, type Negotiation } from '@mesos-ts/http-api';
import { agent } from '@mesos-ts/proto';
import { flagsJson } from '../state-json';
import { containerEntries } from './containers';
import type { AgentHttpContext } from './context';
import { agentMetrics } from './metrics';
import { getAgent, getContainers, getExecutors, getFrameworks, getState, getTasks, versionInfo } from './v1';

type Answer = { readonly kind: 'response'; readonly response: agent.Response } | { readonly kind: 'ok' } | { readonly kind: 'error'; readonly error: MesosTsError };

const respond = (response: agent.Response): Answer => ({ kind: 'response', response });
const fail = (error: MesosTsError): Answer => ({ kind: 'error', error });

/** The largest offset a number holds exactly; any larger offset is past the end of every file anyway. */
function toSafeNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/** Mesos's `validation::agent::call::validate` for the calls this agent answers. */
export function validateCall(call: agent.Call): string | undefined {
  if (call.type === undefined) return "Expecting 'type' to be present";
  const needs: Partial<Record<agent.Call_Type, [keyof agent.Call, string]>> = {
    [agent.Call_Type.GET_METRICS]: ['getMetrics', 'get_metrics'],
    [agent.Call_Type.SET_LOGGING_LEVEL]: ['setLoggingLevel', 'set_logging_level'],
    [agent.Call_Type.LIST_FILES]: ['listFiles', 'list_files'],
    [agent.Call_Type.READ_FILE]: ['readFile', 'read_file'],
  };
  const need = needs[call.type];
  if (need !== undefined && call[need[0]] === undefined) return `Expecting '${need[1]}' to be present`;
  return undefined;
}

/** The first RecordIO record of a streaming request body (`<length>\n<bytes>`). */
function firstRecord(body: Uint8Array): Result<Uint8Array> {
  const newline = body.indexOf(0x0a);
  const header = Buffer.from(body.subarray(0, newline < 0 ? body.length : newline)).toString('latin1');
  if (newline < 0 || !/^\d{1,19}$/.test(header)) return err(new MesosTsError('INVALID_ARGUMENT', 'Failed to decode the RecordIO stream: bad record length'));
  const length = Number(header);
  if (newline + 1 + length > body.length) return err(new MesosTsError('INVALID_ARGUMENT', 'Received EOF while reading request body'));
  return ok(body.subarray(newline + 1, newline + 1 + length));
}

function decodeCall(body: Uint8Array, negotiation: Negotiation): Result<agent.Call> {
  if (negotiation.contentType !== 'recordio') return decodeRequest('mesos.v1.agent.Call', body, negotiation.contentType);
  const record = firstRecord(body);
  if (!record.ok) return record;
  return decodeRequest('mesos.v1.agent.Call', record.value, negotiation.messageContentType ?? 'json');
}

async function answerCall(ctx: AgentHttpContext, call: agent.Call): Promise<Answer> {
  const { core } = ctx;
  const T = agent.Call_Type;
  const R = agent.Response_Type;
  switch (call.type) {
    case T.GET_HEALTH:
      return respond({ type: R.GET_HEALTH, getHealth: { healthy: true } });
    case T.GET_FLAGS:
      return respond({ type: R.GET_FLAGS, getFlags: { flags: Object.entries(flagsJson(ctx.flags, ctx.launcherDir)).map(([name, value]) => ({ name, value })) } });
    case T.GET_VERSION:
      return respond({ type: R.GET_VERSION, getVersion: { versionInfo: versionInfo(ctx.build) } });
    case T.GET_METRICS: {
      const snapshot = agentMetrics({ core, counters: ctx.counters, registered: ctx.registered(), uptimeSecs: (ctx.now() / 1000) - ctx.startTime });
      return respond({ type: R.GET_METRICS, getMetrics: { metrics: Object.entries(snapshot).map(([name, value]) => ({ name, value })) } });
    }
    case T.GET_LOGGING_LEVEL:
      return respond({ type: R.GET_LOGGING_LEVEL, getLoggingLevel: { level: ctx.logging.level } });
    case T.SET_LOGGING_LEVEL: {
      const { level = 0, duration } = call.setLoggingLevel!;
      ctx.logging.set(level, Number((duration?.nanoseconds ?? 0n) / 1_000_000n));
      return { kind: 'ok' };
    }
    case T.LIST_FILES: {
      const path = call.listFiles!.path ?? '';
      ctx.log.info(`Processing LIST_FILES call for path '${path}'`);
      const listing = await ctx.files.browse(path);
      return listing.ok ? respond({ type: R.LIST_FILES, listFiles: { fileInfos: listing.value } }) : fail(listing.error);
    }
    case T.READ_FILE: {
      const { path = '', offset = 0n, length } = call.readFile!;
      ctx.log.info(`Processing READ_FILE call for path '${path}'`);
      const read = await ctx.files.read(path, toSafeNumber(offset), length === undefined ? undefined : toSafeNumber(length));
      return read.ok ? respond({ type: R.READ_FILE, readFile: { size: BigInt(read.value.size), data: read.value.data } }) : fail(read.error);
    }
    case T.GET_STATE:
      return respond({ type: R.GET_STATE, getState: getState(core) });
    case T.GET_CONTAINERS:
      // Nested and standalone containers do not exist on this agent, so show_nested / show_standalone add none.
      return respond({ type: R.GET_CONTAINERS, getContainers: getContainers(await containerEntries(core, ctx.containerizer)) });
    case T.GET_FRAMEWORKS:
      return respond({ type: R.GET_FRAMEWORKS, getFrameworks: getFrameworks(core) });
    case T.GET_EXECUTORS:
      return respond({ type: R.GET_EXECUTORS, getExecutors: getExecutors(core) });
    case T.GET_TASKS:
      return respond({ type: R.GET_TASKS, getTasks: getTasks(core) });
    case T.GET_AGENT:
      return respond({ type: R.GET_AGENT, getAgent: getAgent(core, ctx.drainConfig()) });
    case T.GET_OPERATIONS:
      return respond({ type: R.GET_OPERATIONS, getOperations: { operations: [] } });
    case T.GET_RESOURCE_PROVIDERS:
      return respond({ type: R.GET_RESOURCE_PROVIDERS, getResourceProviders: { resourceProviders: [] } });
    case T.UNKNOWN:
      return fail(new MesosTsError('NOT_IMPLEMENTED', 'Call type UNKNOWN is not implemented'));
    default:
      return fail(new MesosTsError('NOT_IMPLEMENTED', `Call ${agent.Call_Type[call.type!] ?? call.type} is not supported by this agent`));
  }
}

/** Answers one `POST /api/v1` request. Never rejects for bad input. */
export async function handleAgentOperatorApi(ctx: AgentHttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const negotiated = negotiate(req.method ?? '', req.headers, 'agent-operator');
  if (!negotiated.ok) {
    req.resume();
    return writeError(res, negotiated.error);
  }
  const body = await readBody(req);
  if (!body.ok) return writeError(res, body.error);
  const call = decodeCall(body.value, negotiated.value);
  if (!call.ok) return writeError(res, call.error);
  const invalid = validateCall(call.value);
  if (invalid !== undefined) return writeError(res, new MesosTsError('INVALID_ARGUMENT', `Failed to validate agent::Call: ${invalid}`));
  const typeName = agent.Call_Type[call.value.type!] ?? String(call.value.type);
  const streaming = checkAgentStreamingCall(typeName, negotiated.value);
  if (!streaming.ok) return writeError(res, streaming.error);
  const answer = await answerCall(ctx, call.value);
  switch (answer.kind) {
    case 'error':
      return writeError(res, answer.error);
    case 'ok':
      res.writeHead(200, { 'Content-Length': '0' }).end();
      return;
    case 'response':
      // `accept` is json or protobuf here: a RecordIO response was refused by checkAgentStreamingCall.
      return writeMessage(res, 'mesos.v1.agent.Response', answer.response, negotiated.value.messageEncoding);
  }
}
