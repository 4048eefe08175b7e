/**
 * @mesos-ts/files: Mesos's files API. Real files and directories (executor sandboxes, daemon logs) are attached
 * under virtual paths; clients browse, read and download them through `/files/*` on the master and the agent and
 * through the LIST_FILES / READ_FILE operator calls. See README.md.
 *
 * Pure: {@link normalizeVirtualPath}, {@link matchAttachment}, the query parsers and the FileInfo JSON model.
 * Runtime (file system, Node `http`): {@link Files}, {@link createIdNames}, {@link handleFilesRequest}.
 *
 * @packageDocumentation
 */
export { MAX_VIRTUAL_PATH_LENGTH, components, isWithin, matchAttachment, normalizeVirtualPath, type AttachmentMatch } from './virtual-path';
export { parseInteger, parsePathQuery, parseReadQuery, type ReadQuery } from './query';
export { fileInfoJson, modeString, type FileInfoJson } from './file-info';
export { createIdNames, parseIdFile, type IdNames, type IdNamesOptions } from './id-names';
export { DEFAULT_MAX_READ_LENGTH, Files, type Download, type FilesOptions, type ReadResult, type Resolved } from './files';
export { FILES_ENDPOINT_PATHS, contentDisposition, filesEndpointOf, handleFilesRequest, utf8WholeCharacters, type FilesEndpoint } from './http';
