/**
 * The web UI end to end: a real master and agent (the built dists), the built UI served by the master, and
 * headless Chromium. Every page renders; a task launched by a scheduler appears without a reload and goes to
 * FINISHED; its stdout shows on the sandbox page and grows while followed.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskState } from '@mesos-ts/proto';
import type { Browser } from 'playwright-core';
import { eventually, startCluster, type Cluster } from '../../e2e/src/cluster';
import { commandTask, TestScheduler } from '../../e2e/src/scheduler';
import { launchBrowser, openPage, type WatchedPage } from './browser';

/** Where the overview screenshot goes, for a person to look at. */
export const SCREENSHOT = process.env['WEBUI_SCREENSHOT'] ?? join(tmpdir(), 'mesos-ts-webui-overview.png');

describe('web UI', () => {
  let cluster: Cluster;
  let browser: Browser;
  let ui: WatchedPage;

  beforeAll(async () => {
    cluster = await startCluster({ masterFlags: ['--weights=web=2'] });
    browser = await launchBrowser();
    ui = await openPage(browser, `${cluster.masterUrl}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it('is served by the master with its content types and caching headers', async () => {
    const page = await fetch(`${cluster.masterUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    const script = /src="\.?(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${cluster.masterUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const etag = asset.headers.get('etag') ?? '';
    expect((await fetch(`${cluster.masterUrl}${script}`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    expect((await fetch(`${cluster.masterUrl}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${cluster.masterUrl}/assets/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${cluster.masterUrl}/`, { method: 'POST' })).status).toBe(405);
    // The API paths are untouched.
    expect((await fetch(`${cluster.masterUrl}/master/state`)).headers.get('content-type')).toBe('application/json');
    expect((await fetch(`${cluster.masterUrl}/no/such/endpoint`)).status).toBe(404);
  });

  it('renders the overview from the live stream, and a screenshot of it', async () => {
    const { page } = ui;
    await page.waitForSelector('#stream-status[data-status="live"]');
    await page.waitForSelector('#overview .meter[data-kind="cpus"] .meter-total:text("4")');
    expect(await page.textContent('#overview .meter[data-kind="mem"] .meter-total')).toBe('4 GB');
    expect(await page.textContent('#agent-counts [data-count="Active"] dd')).toBe('1');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('renders every page', async () => {
    const { page } = ui;
    const agentId = (await cluster.state()).slaves[0]?.id ?? '';
    await page.goto(`${cluster.masterUrl}/#/agents`);
    await page.waitForSelector(`#agent-table tr[data-agent-id="${agentId}"]`);
    await page.click(`#agent-table tr[data-agent-id="${agentId}"] a`);
    await page.waitForSelector('#agent .meter[data-kind="cpus"]');
    expect(await page.textContent('#agent .page-sub')).toContain(agentId);
    expect(await page.textContent('#agent')).toContain('ports: [31000-32000]');

    for (const [hash, selector] of [
      ['#/frameworks', '#framework-table'],
      ['#/tasks', '#task-table'],
      ['#/roles', '#role-table'],
      ['#/maintenance', '#maintenance-windows'],
      ['#/maintenance', '#maintenance-status'],
      ['#/no/such/page', '#not-found'],
    ] as const) {
      await page.goto(`${cluster.masterUrl}/${hash}`);
      await page.waitForSelector(selector, { timeout: 10_000 });
    }
    await page.goto(`${cluster.masterUrl}/#/roles`);
    await page.waitForSelector('#role-table tr[data-role="web"]');
    expect(await page.textContent('#role-table tr[data-role="web"] td:nth-child(2)')).toBe('2');
    expect(ui.errors).toEqual([]);
  });

  it('shows quota on the roles page and a schedule with a DRAINING machine on the maintenance page', async () => {
    const { page } = ui;
    const post = async (path: string, body: unknown): Promise<number> =>
      (await fetch(`${cluster.masterUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).status;
    const quota = { type: 'UPDATE_QUOTA', update_quota: { quota_configs: [{ role: 'web', guarantees: { cpus: { value: 1 } }, limits: { cpus: { value: 2 } } }] } };
    expect(await post('/api/v1', quota)).toBe(200);
    // The previous test left the page on #/roles: go elsewhere first, so that the roles page fetches anew.
    await page.goto(`${cluster.masterUrl}/#/`);
    await page.goto(`${cluster.masterUrl}/#/roles`);
    await page.waitForSelector('#role-table tr[data-role="web"] td:nth-child(4):has-text("cpus")');
    expect(await page.textContent('#role-table tr[data-role="web"] td:nth-child(5)')).toContain('2');

    const start = Date.now() * 1_000_000 + 3_600_000_000_000;
    const machine = { hostname: 'ui-maintenance-host', ip: '10.0.0.9' };
    const schedule = { windows: [{ machine_ids: [machine], unavailability: { start: { nanoseconds: start }, duration: { nanoseconds: 7_200_000_000_000 } } }] };
    expect(await post('/master/maintenance/schedule', schedule)).toBe(200);
    await page.goto(`${cluster.masterUrl}/#/`);
    await page.goto(`${cluster.masterUrl}/#/maintenance`);
    await page.waitForSelector('#maintenance-windows td:text("ui-maintenance-host / 10.0.0.9")');
    await page.waitForSelector('#maintenance-status td:text("ui-maintenance-host / 10.0.0.9")');
    expect(await page.textContent('#maintenance-status')).toContain('DRAINING');
    expect(await page.textContent('#maintenance-windows')).toContain('2');
    expect(await post('/master/maintenance/schedule', { windows: [] })).toBe(200);
    expect(ui.errors).toEqual([]);
  });

  it('shows a launched task live, follows its stdout, and sees it finish', async () => {
    const { page } = ui;
    await page.goto(`${cluster.masterUrl}/#/tasks`);
    await page.waitForSelector('#stream-status[data-status="live"]');
    // A reload would lose this mark: everything below must arrive over the event stream.
    await page.evaluate(() => ((window as unknown as { loadMark: number }).loadMark = 42));

    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'webui-e2e' } });
    try {
      const frameworkId = await framework.subscribe();
      const [offer] = await framework.takeOffers();
      if (offer === undefined) throw new Error('no offer');
      await framework.launch(offer, [commandTask(offer, 'web-task', 'echo first-line; sleep 4; echo second-line; sleep 2')]);

      const row = '#task-table tr[data-task-id="web-task"]';
      await page.waitForSelector(row);
      await page.waitForSelector(`${row}[data-state="TASK_RUNNING"]`);
      expect(await page.textContent(`${row} td:nth-child(4)`)).toBe('webui-e2e');

      // Into the sandbox: stdout shows, then grows while followed.
      await page.click(`${row} a:text("Sandbox")`);
      await page.waitForSelector('#log-stdout:has-text("first-line")', { timeout: 15_000 });
      expect(await page.textContent('#log-stdout')).not.toContain('second-line');
      await page.waitForSelector('#log-stdout:has-text("second-line")', { timeout: 15_000 });
      await page.waitForSelector('#sandbox-files tr[data-file="stdout"]');
      await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-sandbox.png'), fullPage: true });
      await page.click('.tab:text("stderr")');
      await page.waitForSelector('#log-stderr');

      await framework.waitForState('web-task', TaskState.TASK_FINISHED, 30_000);
      await page.goto(`${cluster.masterUrl}/#/frameworks/${encodeURIComponent(frameworkId)}`);
      await page.waitForSelector('#framework-completed-tasks tr[data-task-id="web-task"][data-state="TASK_FINISHED"]');
      await page.goto(`${cluster.masterUrl}/#/`);
      await eventually('the overview to count the finished task', async () => ((await page.textContent('#task-counts [data-count="FINISHED"] dd')) === '1' ? true : undefined));
      expect(await page.evaluate(() => (window as unknown as { loadMark?: number }).loadMark)).toBe(42);
      await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-after-task.png'), fullPage: true });
    } finally {
      await framework.close();
    }
    expect(ui.errors).toEqual([]);
  });

  it('reconnects when SUBSCRIBE fails, and shows the stream as down meanwhile', async () => {
    const { page, errors } = await openPage(browser, 'about:blank');
    try {
      let refused = 0;
      await page.route('**/api/v1', async (route) => {
        if (refused < 2) {
          refused++;
          await route.abort('connectionreset');
        } else {
          await route.continue();
        }
      });
      await page.goto(`${cluster.masterUrl}/#/agents`);
      await page.waitForSelector('#stream-status[data-status="down"]');
      await page.waitForSelector('.banner:has-text("reconnecting")');
      await page.waitForSelector('#stream-status[data-status="live"]', { timeout: 15_000 });
      await page.waitForSelector('#agent-table tr[data-agent-id]');
      expect(refused).toBe(2);
      // The refused requests log network errors in the console; nothing else may.
      expect(errors.filter((e) => !e.includes('net::ERR_'))).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
