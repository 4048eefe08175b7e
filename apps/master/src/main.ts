#!/usr/bin/env node
/**
 * `mesos-master`: read the flags (exit 0 on --help, 1 with Mesos's message on a bad flag), start the master,
 * stop cleanly on SIGTERM / SIGINT.
 */
import { resolveCommandLine } from '@mesos-ts/flags';
import { masterFlagSpec } from './flags';
import { createLogger } from './logger';
import { startMaster } from './master';

async function main(): Promise<void> {
  const next = resolveCommandLine(masterFlagSpec, { programName: 'mesos-master', argv: process.argv.slice(2), env: process.env });
  if (next.action === 'exit') {
    process[next.stream].write(next.text, () => process.exit(next.exitCode));
    return;
  }
  const { flags, warnings, positional } = next.loaded;
  const logger = createLogger(flags);
  for (const warning of warnings) logger.warn(warning);
  if (positional.length > 0) logger.warn({ positional }, 'Ignoring positional arguments');

  let master;
  try {
    master = await startMaster(flags, logger);
  } catch (e) {
    logger.error({ err: e }, 'Failed to start the master');
    process.exit(1);
  }
  logger.info(
    { ip: master.address.address, port: master.address.port, work_dir: flags.work_dir ?? null },
    `Master started on ${master.address.address}:${master.address.port}`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `Received ${signal}, stopping`);
    master.stop().then(
      () => {
        logger.info('Master stopped');
        process.exit(0);
      },
      (e: unknown) => {
        logger.error({ err: e }, 'Failed to stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
