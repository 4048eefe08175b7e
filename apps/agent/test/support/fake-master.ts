// A tiny stand-in for the master's side of the master-agent protocol (docs/master-agent-protocol.md): it accepts
// REGISTER/REREGISTER with a RecordIO stream of protobuf AgentEvents, records every call, and lets the test push
// events, drop the stream, or refuse calls.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtobuf, encodeProtobuf, internal } from '@mesos-ts/proto';
import { encodeRecord } from '@mesos-ts/recordio';

export interface RecordedCall {
  readonly call: internal.AgentCall;
  readonly streamId: string | undefined;
}

export interface FakeMasterOptions {
  /** Agent ID given on REGISTER (REREGISTER keeps the agent's). Default `M1-S0`. */
  readonly agentId?: string;
  readonly pingTimeoutSeconds?: number;
  readonly maxPingTimeouts?: number;
  /** Frameworks to name in REGISTERED's `unknown_frameworks`. */
  readonly unknownFrameworks?: () => readonly string[];
  /** Status of registration answers; default 200 (a session). */
  readonly registrationStatus?: () => number;
}

export class FakeMaster {
  readonly calls: RecordedCall[] = [];
  #server: Server;
  #stream: ServerResponse | undefined;
  #streamId: string | undefined;
  #sessions = 0;
  #waiters: Array<() => void> = [];
  #options: FakeMasterOptions;

  private constructor(options: FakeMasterOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  static async start(options: FakeMasterOptions = {}): Promise<FakeMaster> {
    const master = new FakeMaster(options);
    await new Promise<void>((resolve) => master.#server.listen(0, '127.0.0.1', resolve));
    return master;
  }

  get address(): string {
    return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Changes what later registrations are answered with. */
  configure(options: Partial<FakeMasterOptions>): void {
    this.#options = { ...this.#options, ...options };
  }

  get streamId(): string | undefined {
    return this.#streamId;
  }

  /** Calls of a type, in arrival order. */
  callsOf(type: internal.AgentCall_Type): internal.AgentCall[] {
    return this.calls.filter((c) => c.call.type === type).map((c) => c.call);
  }

  /** All status updates received, flattened, in order. */
  get statusUpdates(): internal.StatusUpdate[] {
    return this.callsOf(internal.AgentCall_Type.STATUS_UPDATE).flatMap((c) => c.statusUpdates?.updates ?? []);
  }

  /** Resolves once `predicate` holds (checked after each call), or rejects after `timeoutMs`. */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value !== undefined && value !== false) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`FakeMaster.waitFor timed out; calls: ${this.calls.map((c) => internal.AgentCall_Type[c.call.type ?? 0]).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends an event on the open session's stream. */
  send(event: internal.AgentEvent): void {
    if (this.#stream === undefined) throw new Error('FakeMaster: no open stream');
    this.#stream.write(encodeRecord(encodeProtobuf('mesos_ts.internal.AgentEvent', event)));
  }

  /** Ends the open stream (the agent sees its session end). */
  closeStream(): void {
    this.#stream?.end();
    this.#stream = undefined;
    this.#streamId = undefined;
  }

  /** Forgets the session but keeps its stream open, as a master that moved on would: calls get 403. */
  forgetSession(): void {
    this.#streamId = 'forgotten';
  }

  async close(): Promise<void> {
    this.closeStream();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/master/internal/agent') {
      res.writeHead(404).end();
      return;
    }
    const decoded = decodeProtobuf('mesos_ts.internal.AgentCall', Buffer.concat(chunks));
    if (!decoded.ok) {
      res.writeHead(400).end(decoded.error.message);
      return;
    }
    const call = decoded.value;
    const header = req.headers['mesos-stream-id'];
    this.calls.push({ call, streamId: Array.isArray(header) ? header[0] : header });
    for (const wake of this.#waiters.splice(0)) wake();

    if (call.type === internal.AgentCall_Type.REGISTER || call.type === internal.AgentCall_Type.REREGISTER) {
      const status = this.#options.registrationStatus?.() ?? 200;
      if (status !== 200) {
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end('refused by the fake master');
        return;
      }
      this.closeStream();
      this.#sessions += 1;
      this.#streamId = `stream-${this.#sessions}`;
      this.#stream = res;
      res.writeHead(200, { 'Content-Type': 'application/recordio', 'Message-Content-Type': 'application/x-protobuf', 'Mesos-Stream-Id': this.#streamId });
      res.flushHeaders();
      const agentId = call.type === internal.AgentCall_Type.REREGISTER ? call.agentId!.value! : (this.#options.agentId ?? 'M1-S0');
      this.send({
        type: internal.AgentEvent_Type.REGISTERED,
        registered: {
          agentId: { value: agentId },
          masterInfo: { id: 'M1', ip: 0x7f000001, port: 5050, hostname: 'fake-master' },
          pingTimeoutSeconds: this.#options.pingTimeoutSeconds ?? 15,
          maxPingTimeouts: this.#options.maxPingTimeouts ?? 5,
          unknownFrameworks: (this.#options.unknownFrameworks?.() ?? []).map((value) => ({ value })),
        },
      });
      return;
    }
    if (header === undefined || header !== this.#streamId) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('stale or missing Mesos-Stream-Id');
      return;
    }
    res.writeHead(202).end();
  }
}
