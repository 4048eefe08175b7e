/**
 * The master's files API (Mesos's master `Files` instance): `/files/browse`, `/files/read`, `/files/download`
 * and `/files/debug` (libprocess serves the files process at `/files/...` only, so there is no `/master/files`
 * alias), and the operator calls LIST_FILES and READ_FILE.
 *
 * What is attached: the master's log file (`<log_dir>/mesos-master.log`) as `/master/log` when `--log_dir` is set,
 * as Mesos attaches its glog file. The attachment is made the first time a request needs it (the log file is
 * opened asynchronously by the logger, so it may not exist the instant the master starts); until the file exists
 * `/master/log` answers 404.
 */
import { join } from 'node:path';
import { Files, filesEndpointOf, handleFilesRequest } from '@mesos-ts/files';
import type { MesosTsError } from '@mesos-ts/errors';
import { master } from '@mesos-ts/proto';
import type { MasterCore } from './core';
import { answer, type OperatorAnswer, type OperatorHandlers } from './operator/handler';
import type { MasterEndpoint } from './responses';

/** Where the master's log is attached (Mesos's virtual path for it). */
export const MASTER_LOG_VIRTUAL_PATH = '/master/log';

const services = new WeakMap<MasterCore, Files>();

/** The files service of a master, created on first use, with the log attached once the file exists. */
export function masterFiles(core: MasterCore): Files {
  let files = services.get(core);
  if (files === undefined) {
    files = new Files();
    services.set(core, files);
  }
  const logDir = core.flags.log_dir;
  if (logDir !== undefined && !files.attachments.has(MASTER_LOG_VIRTUAL_PATH)) {
    files.attach(join(logDir, 'mesos-master.log'), MASTER_LOG_VIRTUAL_PATH);
  }
  return files;
}

export const filesEndpoints: readonly MasterEndpoint[] = [
  {
    paths: ['/files/browse', '/files/browse.json', '/files/read', '/files/read.json', '/files/download', '/files/download.json', '/files/debug', '/files/debug.json'],
    handle: async (core, req, res) => {
      const endpoint = filesEndpointOf(new URL(req.url ?? '/', 'http://master').pathname);
      // Only the paths above are routed here, so an endpoint is always found.
      if (endpoint === undefined) return void res.writeHead(404, { 'Content-Length': '0' }).end();
      await handleFilesRequest(masterFiles(core), endpoint, req, res);
    },
  },
];

function failed(error: MesosTsError): OperatorAnswer {
  return answer.error(error.httpStatus, error.message);
}

/** The largest offset a number can hold exactly; anything beyond is past the end of any file. */
function clampOffset(offset: bigint): number {
  return offset > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(offset);
}

export const filesOperatorHandlers: OperatorHandlers = {
  [master.Call_Type.LIST_FILES]: async (core, call) => {
    if (call.listFiles === undefined) return answer.error(400, "Expecting 'list_files' to be present");
    const path = call.listFiles.path ?? '';
    core.log.info({ path }, `Processing LIST_FILES call for path '${path}'`);
    const listing = await masterFiles(core).browse(path);
    if (!listing.ok) return failed(listing.error);
    return answer.response({ type: master.Response_Type.LIST_FILES, listFiles: { fileInfos: listing.value } });
  },
  [master.Call_Type.READ_FILE]: async (core, call) => {
    if (call.readFile === undefined) return answer.error(400, "Expecting 'read_file' to be present");
    const path = call.readFile.path ?? '';
    core.log.info({ path }, `Processing READ_FILE call for path '${path}'`);
    const length = call.readFile.length;
    const read = await masterFiles(core).read(path, clampOffset(call.readFile.offset ?? 0n), length === undefined ? undefined : clampOffset(length));
    if (!read.ok) return failed(read.error);
    return answer.response({ type: master.Response_Type.READ_FILE, readFile: { size: BigInt(read.value.size), data: read.value.data } });
  },
};
