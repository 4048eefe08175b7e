/**
 * The master's operator event stream (`POST /api/v1` `{"type":"SUBSCRIBE"}`, JSON over RecordIO), kept open for
 * the life of the page: events go to `onEvent`, and when the stream ends, fails or goes silent for longer than
 * a few heartbeats, it reconnects with backoff (the next SUBSCRIBED brings the whole state again).
 */
import type { MasterEvent } from '../state/types';
import { RecordIODecoder } from './recordio';

export type StreamStatus = { readonly kind: 'connecting' } | { readonly kind: 'live' } | { readonly kind: 'down'; readonly reason: string; readonly retryInMs: number };

export interface SubscribeOptions {
  /** The master's base URL ('' for the page's own origin). */
  readonly base?: string;
  readonly onEvent: (event: MasterEvent) => void;
  readonly onStatus: (status: StreamStatus) => void;
  /** Heartbeats missed before the stream counts as dead (Mesos's docs suggest 5). */
  readonly missedHeartbeats?: number;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/** Starts the stream; the returned function stops it for good. */
export function subscribeToMaster(options: SubscribeOptions): () => void {
  let stopped = false;
  let controller: AbortController | undefined;
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const once = async (): Promise<string> => {
    controller = new AbortController();
    const abort = controller;
    options.onStatus({ kind: 'connecting' });
    const response = await fetch(`${options.base ?? ''}/api/v1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ type: 'SUBSCRIBE' }),
      signal: abort.signal,
      cache: 'no-store',
    });
    if (response.status !== 200 || response.body === null) {
      const text = (await response.text().catch(() => '')).trim();
      return `SUBSCRIBE answered ${response.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`;
    }
    const reader = response.body.getReader();
    const decoder = new RecordIODecoder();
    let silenceMs = 15_000;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    let silent = false;
    const arm = (): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        silent = true;
        abort.abort();
      }, silenceMs);
    };
    arm();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'the master closed the event stream';
        arm();
        for (const record of decoder.decode(value)) {
          const event = JSON.parse(record) as MasterEvent;
          if (event.type === 'SUBSCRIBED') {
            const interval = event.subscribed?.heartbeat_interval_seconds;
            if (typeof interval === 'number' && interval > 0) silenceMs = interval * 1000 * (options.missedHeartbeats ?? 5);
            arm();
            retryMs = FIRST_RETRY_MS;
            options.onStatus({ kind: 'live' });
          }
          options.onEvent(event);
        }
      }
    } catch (e) {
      if (silent) return 'no events or heartbeats from the master';
      throw e;
    } finally {
      clearTimeout(watchdog);
      reader.cancel().catch(() => undefined);
    }
  };

  const loop = (): void => {
    once().then(
      (reason) => retry(reason),
      (e: unknown) => retry(e instanceof Error ? e.message : String(e)),
    );
  };
  const retry = (reason: string): void => {
    if (stopped) return;
    options.onStatus({ kind: 'down', reason, retryInMs: retryMs });
    retryTimer = setTimeout(loop, retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };

  loop();
  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    controller?.abort();
  };
}
