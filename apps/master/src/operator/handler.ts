/**
 * The shape of one operator API call handler (`POST /api/v1`, Mesos's `master::Call`). The dispatcher
 * (operator/index.ts) decodes and validates the call, finds the handler for its type, and encodes the answer in
 * the media type the client accepts. Feature modules (reservations.ts, maintenance.ts, files.ts) export tables
 * of handlers for their calls; the dispatcher merges them.
 */
import type { master } from '@mesos-ts/proto';
import type { MasterCore } from '../core';

/** What a call answers, as Mesos's master does. */
export type OperatorAnswer =
  /** 200 with a `master.Response`, encoded as the client accepts. */
  | { readonly kind: 'response'; readonly response: master.Response }
  /** 200 with an empty body (e.g. UPDATE_MAINTENANCE_SCHEDULE, SET_LOGGING_LEVEL). */
  | { readonly kind: 'ok' }
  /** 202 with an empty body (e.g. RESERVE_RESOURCES, CREATE_VOLUMES). */
  | { readonly kind: 'accepted' }
  /** An error status (400, 403, 404, 409, 503, ...) with Mesos's plain-text message. */
  | { readonly kind: 'error'; readonly status: number; readonly message: string };

/** Answers one decoded call; may be asynchronous (e.g. waits for an agent). Must not throw for bad input. */
export type OperatorCallHandler = (core: MasterCore, call: master.Call) => OperatorAnswer | Promise<OperatorAnswer>;

/** Handlers by call type. */
export type OperatorHandlers = Partial<Record<master.Call_Type, OperatorCallHandler>>;

/** Shorthands. */
export const answer = {
  response: (response: master.Response): OperatorAnswer => ({ kind: 'response', response }),
  ok: (): OperatorAnswer => ({ kind: 'ok' }),
  accepted: (): OperatorAnswer => ({ kind: 'accepted' }),
  error: (status: number, message: string): OperatorAnswer => ({ kind: 'error', status, message }),
};
