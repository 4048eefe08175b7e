import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { master } from '@mesos-ts/proto';
import { startTestMaster } from './testing';
import { filesOperatorHandlers } from './files';
import type { RunningMaster } from './master';

describe('master files API', () => {
  let running: RunningMaster;
  let logDir: string;

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'master-log-'));
    running = await startTestMaster([`--log_dir=${logDir}`]);
    writeFileSync(join(logDir, 'mesos-master.log'), '{"msg":"Master started"}\n');
  });
  afterAll(() => running.stop());

  it('attaches the log file as /master/log when --log_dir is set', async () => {
    const browse = await fetch(`${running.url}/files/browse?path=/master/log`);
    expect(browse.status).toBe(200);
    const listing = (await browse.json()) as Array<Record<string, unknown>>;
    expect(listing).toEqual([expect.objectContaining({ path: '/master/log', size: 25, mode: expect.stringMatching(/^-/) })]);
    const read = await fetch(`${running.url}/files/read?path=/master/log&offset=0&jsonp=cb`);
    expect(read.headers.get('content-type')).toBe('text/javascript');
    expect(await read.text()).toBe('cb({"data":"{\\"msg\\":\\"Master started\\"}\\n","offset":0})');
    const debug = await fetch(`${running.url}/files/debug`);
    expect(await debug.json()).toEqual({ '/master/log': expect.stringMatching(/mesos-master\.log$/) });
    const download = await fetch(`${running.url}/files/download?path=/master/log`);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="mesos-master.log"');
  });

  it('answers 400 / 404 on the endpoints', async () => {
    expect((await fetch(`${running.url}/files/browse`)).status).toBe(400);
    expect((await fetch(`${running.url}/files/browse?path=/nothing`)).status).toBe(404);
    expect((await fetch(`${running.url}/files/read?path=/master/log&offset=-5`)).status).toBe(400);
  });

  it('LIST_FILES and READ_FILE answer from the same attachments', async () => {
    const list = await filesOperatorHandlers[master.Call_Type.LIST_FILES]!(running.core, { type: master.Call_Type.LIST_FILES, listFiles: { path: '/master/log' } });
    expect(list).toEqual({ kind: 'response', response: { type: master.Response_Type.LIST_FILES, listFiles: { fileInfos: [expect.objectContaining({ path: '/master/log', size: 25n })] } } });
    const read = await filesOperatorHandlers[master.Call_Type.READ_FILE]!(running.core, { type: master.Call_Type.READ_FILE, readFile: { path: '/master/log', offset: 2n, length: 3n } });
    expect(read).toEqual({ kind: 'response', response: { type: master.Response_Type.READ_FILE, readFile: { size: 25n, data: Buffer.from('msg') } } });
    const huge = await filesOperatorHandlers[master.Call_Type.READ_FILE]!(running.core, { type: master.Call_Type.READ_FILE, readFile: { path: '/master/log', offset: 2n ** 63n } });
    expect(huge).toEqual({ kind: 'response', response: { type: master.Response_Type.READ_FILE, readFile: { size: 25n, data: Buffer.alloc(0) } } });
    const missing = await filesOperatorHandlers[master.Call_Type.LIST_FILES]!(running.core, { type: master.Call_Type.LIST_FILES, listFiles: { path: '/nope' } });
    expect(missing).toEqual({ kind: 'error', status: 404, message: "No such file or directory: '/nope'" });
    const absent = await filesOperatorHandlers[master.Call_Type.READ_FILE]!(running.core, { type: master.Call_Type.READ_FILE });
    expect(absent).toEqual({ kind: 'error', status: 400, message: "Expecting 'read_file' to be present" });
  });
});
