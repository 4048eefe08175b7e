#!/usr/bin/env node
/**
 * A local mesos-ts cluster: one master and one agent on 127.0.0.1, until Ctrl-C.
 *
 *   node tools/scripts/local-cluster.mjs          (what `npm start` runs after building)
 *
 * Runs the built daemons (apps/master/dist/main.js, apps/agent/dist/main.js), or their sources through tsx
 * with MESOS_TS_FROM_SOURCE=1. Environment:
 *   MESOS_TS_MASTER_PORT  master port; default 5050, or a free port if 5050 is taken
 *   MESOS_TS_AGENT_PORT   agent port; default 5051, or a free port if 5051 is taken
 *   MESOS_TS_CLUSTER_DIR  work directories and logs; default ./.local-cluster
 *   MESOS_TS_READY_TIMEOUT_MS  how long to wait for the agent to register; default 60000
 *
 * The daemons log to <dir>/master.log and <dir>/agent.log. SIGINT or SIGTERM stops the agent, then the master
 * (SIGTERM, then SIGKILL after 10 s), and exits 0; if a daemon dies on its own, the other is stopped and the
 * script exits 1 after printing the end of the dead one's log. Written in Node rather than bash so that signal
 * handling and child supervision are solid.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HOST = '127.0.0.1';
const STOP_GRACE_MS = 10_000;

const env = process.env;
const fromSource = env.MESOS_TS_FROM_SOURCE === '1';
const clusterDir = resolve(ROOT, env.MESOS_TS_CLUSTER_DIR ?? '.local-cluster');
const readyTimeoutMs = Number(env.MESOS_TS_READY_TIMEOUT_MS ?? 60_000);
const show = (path) => (path.startsWith(ROOT) ? relative(process.cwd(), path) || '.' : path);

function say(line) {
  process.stdout.write(`${line}\n`);
}

function fail(line) {
  process.stderr.write(`local-cluster: ${line}\n`);
}

/** Whether `port` can be bound on HOST right now. */
function isFree(port) {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, HOST, () => server.close(() => done(true)));
  });
}

function anyFreePort() {
  return new Promise((done, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** The port from `variable`, which must be free; else `fallback` if free; else any free port. */
async function choosePort(variable, fallback, avoid) {
  const given = env[variable];
  if (given !== undefined && given !== '') {
    const port = Number(given);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${variable}='${given}' is not a port number`);
    if (!(await isFree(port))) throw new Error(`port ${port} (${variable}) is taken`);
    return port;
  }
  if (fallback !== avoid && (await isFree(fallback))) return fallback;
  let port = await anyFreePort();
  while (port === avoid) port = await anyFreePort();
  say(`local-cluster: port ${fallback} is taken; using ${port} (set ${variable} to choose)`);
  return port;
}

/** How to run one daemon: its built bin, or its sources through tsx. */
function daemonCommand(app, args) {
  if (fromSource) {
    return [process.execPath, ['--conditions=@mesos-ts/source', '--import', 'tsx', join(ROOT, 'apps', app, 'src/main.ts'), ...args]];
  }
  const bin = join(ROOT, 'apps', app, 'dist/main.js');
  if (!existsSync(bin)) throw new Error(`${show(bin)} is missing: build first (npm start does, or: npx nx run-many -t build)`);
  return [process.execPath, [bin, ...args]];
}

/** A supervised daemon: its output goes to a log file; `exited` resolves with its exit code or signal. */
function startDaemon(name, app, args) {
  const log = join(clusterDir, `${name}.log`);
  const out = createWriteStream(log, { flags: 'w' });
  const [command, argv] = daemonCommand(app, args);
  // Its own process group: the terminal's Ctrl-C reaches only us, and we stop the agent before the master.
  const child = spawn(command, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  const exited = new Promise((done) => {
    child.once('error', (error) => {
      out.write(`failed to start: ${error.message}\n`);
      done({ code: null, signal: null, error });
    });
    child.once('exit', (code, signal) => done({ code, signal }));
  });
  return { name, child, log, exited, running: () => child.exitCode === null && child.signalCode === null };
}

function logTail(path, lines = 15) {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function stopDaemon(daemon) {
  if (!daemon.running()) return;
  daemon.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (daemon.running()) {
      fail(`${daemon.name} did not stop within ${STOP_GRACE_MS / 1000}s; killing it`);
      daemon.child.kill('SIGKILL');
    }
  }, STOP_GRACE_MS);
  await daemon.exited;
  clearTimeout(timer);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls the master's /master/state until an agent is registered, or a daemon exits, or the deadline passes. */
async function waitForAgent(masterUrl, daemons) {
  const until = Date.now() + readyTimeoutMs;
  let last = 'the master did not answer yet';
  while (Date.now() < until) {
    const dead = daemons.find((d) => !d.running());
    if (dead !== undefined) return { ok: false, why: `the ${dead.name} exited`, dead };
    try {
      const response = await fetch(`${masterUrl}/master/state`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) {
        const state = await response.json();
        const agents = Array.isArray(state.slaves) ? state.slaves : [];
        if (agents.length > 0) return { ok: true, agent: agents[0] };
        last = 'no agent registered yet';
      } else {
        last = `/master/state answered ${response.status}`;
      }
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(200);
  }
  return { ok: false, why: `no agent registered within ${readyTimeoutMs / 1000}s (${last})` };
}

async function main() {
  const masterPort = await choosePort('MESOS_TS_MASTER_PORT', 5050);
  const agentPort = await choosePort('MESOS_TS_AGENT_PORT', 5051, masterPort);
  const masterDir = join(clusterDir, 'master');
  const agentDir = join(clusterDir, 'agent');
  mkdirSync(masterDir, { recursive: true });
  mkdirSync(agentDir, { recursive: true });

  const master = startDaemon('master', 'master', [`--ip=${HOST}`, `--port=${masterPort}`, `--work_dir=${masterDir}`]);
  const agent = startDaemon('agent', 'agent', [`--ip=${HOST}`, `--port=${agentPort}`, `--master=${HOST}:${masterPort}`, `--work_dir=${agentDir}`]);
  const daemons = [master, agent];

  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    await stopDaemon(agent);
    await stopDaemon(master);
    say(`local-cluster: stopped (master pid ${master.child.pid} and agent pid ${agent.child.pid} have exited)`);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (stopping) return;
      say(`\nlocal-cluster: ${signal}: stopping the agent and the master...`);
      void stopAll(0);
    });
  }
  // Last resort if we die of something else: leave no daemon behind.
  process.on('exit', () => {
    for (const d of daemons) if (d.running()) d.child.kill('SIGKILL');
  });
  for (const daemon of daemons) {
    void daemon.exited.then(({ code, signal }) => {
      if (stopping) return;
      fail(`the ${daemon.name} exited (${signal ?? `code ${code}`}); last lines of ${show(daemon.log)}:\n${logTail(daemon.log)}`);
      void stopAll(1);
    });
  }

  const masterUrl = `http://${HOST}:${masterPort}`;
  const agentUrl = `http://${HOST}:${agentPort}`;
  say(`local-cluster: starting master (pid ${master.child.pid}) and agent (pid ${agent.child.pid}) from ${fromSource ? 'sources' : 'dist'}...`);
  const ready = await waitForAgent(masterUrl, daemons);
  if (stopping) return;
  if (!ready.ok) {
    if (ready.dead !== undefined) return; // the exit handler above reports it
    fail(`${ready.why}; last lines of ${show(agent.log)}:\n${logTail(agent.log)}`);
    await stopAll(1);
    return;
  }
  say('');
  say('mesos-ts local cluster is up');
  say(`  master: ${masterUrl}   (pid ${master.child.pid}, work dir ${show(masterDir)}, log ${show(master.log)})`);
  say(`  agent:  ${agentUrl}   (pid ${agent.child.pid}, id ${ready.agent.id ?? '?'}, work dir ${show(agentDir)}, log ${show(agent.log)})`);
  say(`  web UI: ${masterUrl}/`);
  say('');
  say('Try:');
  say(`  node apps/cli/dist/main.js execute --master=${HOST}:${masterPort} --name=hello --command='echo hello'`);
  say(`  node apps/cli/dist/main.js task list --master=${HOST}:${masterPort}`);
  say('');
  say('Press Ctrl-C to stop the cluster.');
}

main().catch((error) => {
  fail(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
