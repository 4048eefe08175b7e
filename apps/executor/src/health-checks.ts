/**
 * The three kinds of health check, each run once: COMMAND (a process; healthy on exit 0), HTTP (a GET to
 * `<scheme>://127.0.0.1:<port><path>` following redirects; healthy on 200-399) and TCP (healthy when a
 * connection opens). Mesos runs `curl` and `mesos-tcp-connect` for the last two; we use Node's own http and net,
 * with the same targets and verdicts.
 */
import { spawn } from 'node:child_process';
import { STATUS_CODES, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { err, ok, type Result } from '@mesos-ts/errors';
import { formatDuration } from '@mesos-ts/flags';
import { HealthCheck_Type, NetworkInfo_Protocol, type CommandInfo, type HealthCheck } from '@mesos-ts/proto';
import { buildTaskEnvironment, commandLine, signalGroup } from './task-process';
import { describeTermination } from './termination';

/** One check's outcome: healthy, or why not. */
export type CheckOutcome = Result<void, string>;

/** Runs one check with the given time limit (`undefined`: none). */
export type CheckRunner = (timeoutMs: number | undefined) => Promise<CheckOutcome>;

/** How many redirects an HTTP check follows (curl's `-L` stops at 50). */
const MAX_REDIRECTS = 50;

/**
 * Validates a health check as Mesos does (`validateHealthCheck`), returning the first problem in its words.
 */
export function validateHealthCheck(check: HealthCheck): string | undefined {
  switch (check.type) {
    case undefined:
      return "HealthCheck must specify 'type'";
    case HealthCheck_Type.COMMAND: {
      const command = check.command;
      if (command === undefined) return "Expecting 'command' to be set for COMMAND health check";
      if (command.value === undefined || command.value === '') {
        return `Command health check must contain ${(command.shell ?? true) ? "'shell command'" : "'executable path'"}`;
      }
      break;
    }
    case HealthCheck_Type.HTTP: {
      const http = check.http;
      if (http === undefined) return "Expecting 'http' to be set for HTTP health check";
      if (http.scheme !== undefined && http.scheme !== 'http' && http.scheme !== 'https') return `Unsupported HTTP health check scheme: '${http.scheme}'`;
      if (http.path !== undefined && !http.path.startsWith('/')) return `The path '${http.path}' of HTTP health check must start with '/'`;
      if (http.port === undefined) return "Expecting 'http.port' to be set for HTTP health check";
      break;
    }
    case HealthCheck_Type.TCP:
      if (check.tcp === undefined) return "Expecting 'tcp' to be set for TCP health check";
      if (check.tcp.port === undefined) return "Expecting 'tcp.port' to be set for TCP health check";
      break;
    default:
      return `'${HealthCheck_Type[check.type] ?? check.type}' is not a valid health check type`;
  }
  const fields = [
    ['delay_seconds', check.delaySeconds],
    ['grace_period_seconds', check.gracePeriodSeconds],
    ['interval_seconds', check.intervalSeconds],
    ['timeout_seconds', check.timeoutSeconds],
  ] as const;
  for (const [name, value] of fields) {
    if (value !== undefined && !(value >= 0)) return `Expecting '${name}' to be non-negative`;
  }
  return undefined;
}

/** The runner for a (valid) health check. `env` is the environment COMMAND checks start from. */
export function checkRunner(check: HealthCheck, env: Readonly<Record<string, string | undefined>>): CheckRunner {
  switch (check.type) {
    case HealthCheck_Type.COMMAND:
      return (timeoutMs) => runCommandCheck(check.command ?? {}, env, timeoutMs);
    case HealthCheck_Type.HTTP: {
      const http = check.http ?? {};
      const host = http.protocol === NetworkInfo_Protocol.IPv6 ? '[::1]' : '127.0.0.1';
      const url = `${http.scheme ?? 'http'}://${host}:${http.port ?? 0}${http.path ?? ''}`;
      return (timeoutMs) => runHttpCheck(url, timeoutMs);
    }
    case HealthCheck_Type.TCP: {
      const tcp = check.tcp ?? {};
      const host = tcp.protocol === NetworkInfo_Protocol.IPv6 ? '::1' : '127.0.0.1';
      return (timeoutMs) => runTcpCheck(host, tcp.port ?? 0, timeoutMs);
    }
    default:
      return () => Promise.resolve(err(`Unsupported health check type ${String(check.type)}`));
  }
}

/**
 * Runs `command` (stdin from /dev/null, output to the executor's stderr, as Mesos does) in its own process
 * group; on timeout the group gets SIGKILL. Healthy on exit status 0.
 */
export function runCommandCheck(command: CommandInfo, baseEnv: Readonly<Record<string, string | undefined>>, timeoutMs: number | undefined): Promise<CheckOutcome> {
  const line = commandLine(command, 'health check');
  if (!line.ok) return Promise.resolve(err(line.error));
  const env = buildTaskEnvironment(baseEnv, [command.environment]);
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const child = spawn(line.value.file, [...line.value.args], { env, argv0: line.value.argv0, detached: true, stdio: ['ignore', 2, 2] });
    child.once('error', (error) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve(err(`Failed to create subprocess: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      if (timedOut) return resolve(err(`Command timed out after ${formatDuration(timeoutMs ?? 0)}`));
      if (code === 0) return resolve(ok(undefined));
      resolve(err(`Command ${describeTermination({ code, signal })}`));
    });
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      }, timeoutMs);
    }
  });
}

/** GETs `url`, following redirects; healthy on a final status in 200-399. TLS certificates are not verified (curl `-k`). */
export function runHttpCheck(url: string, timeoutMs: number | undefined): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let abort = (): void => undefined;
    const finish = (outcome: CheckOutcome): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      abort();
      resolve(outcome);
    };
    if (timeoutMs !== undefined) timer = setTimeout(() => finish(err(`HTTP health check timed out after ${formatDuration(timeoutMs)}`)), timeoutMs);

    const get = (target: URL, redirects: number): void => {
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(target, { method: 'GET', rejectUnauthorized: false }, (res: IncomingMessage) => {
        res.resume();
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (status >= 300 && status < 400 && location !== undefined && redirects < MAX_REDIRECTS) {
          let next: URL;
          try {
            next = new URL(location, target);
          } catch {
            return finish(err(`Invalid redirect location '${location}'`));
          }
          return get(next, redirects + 1);
        }
        if (status >= 200 && status < 400) return finish(ok(undefined));
        finish(err(`Unexpected HTTP response code: ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd()));
      });
      abort = () => req.destroy();
      req.on('error', (error) => finish(err(`HTTP request to ${target.href} failed: ${error.message}`)));
      req.end();
    };
    try {
      get(new URL(url), 0);
    } catch (error) {
      finish(err(`Invalid health check URL '${url}': ${(error as Error).message}`));
    }
  });
}

/** Opens (and closes) a TCP connection to `host:port`; healthy when it opens. */
export function runTcpCheck(host: string, port: number, timeoutMs: number | undefined): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const socket = connect({ host, port });
    const finish = (outcome: CheckOutcome): void => {
      if (timer !== undefined) clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    socket.once('connect', () => finish(ok(undefined)));
    socket.once('error', (error) => finish(err(`TCP connection failed: ${error.message}`)));
    if (timeoutMs !== undefined) timer = setTimeout(() => finish(err(`TCP connection timed out after ${formatDuration(timeoutMs)}`)), timeoutMs);
  });
}
