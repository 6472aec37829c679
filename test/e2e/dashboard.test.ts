import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DashboardStack,
  executionResult,
  LOCAL_IMAGE,
  rolloutRequest,
  startDashboardStack,
  startRollout,
} from '../integration/dashboard/dashboard-fixture.js';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('operator dashboard in Chromium', () => {
  let env: DashboardStack;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    env = await startDashboardStack();
    const arn = await startRollout(env, rolloutRequest('manga-recs', env.modelV1));
    expect((await executionResult(env, arn)).status).toBe('SUCCEEDED');
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'warmgate-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 720 },
    });
    page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await env?.close();
  });

  const endpointRow = () => page.locator('tr[data-endpoint="manga-recs"]');

  it('lists manga-recs with 2 of 2 instances warm when opened from the printed URL', async () => {
    await page.goto(env.dashboard.url);
    await endpointRow().getByText('2 of 2 warm').waitFor();
    await expect(endpointRow().locator('.badge').textContent()).resolves.toBe('InService');
    await expect(endpointRow().textContent()).resolves.toContain('2–4');
    // The token leaves the address bar once the page has it.
    expect(page.url()).not.toContain('token=');
    await page.locator('#executions-list .execution-step').first().getByText('succeeded').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-overview.png') });
    expect(consoleErrors).toEqual([]);
  });

  it('draws the capacity chart: its canvas shows the warm line', async () => {
    const canvas = page.locator('#capacity-chart canvas');
    await canvas.waitFor();
    await page
      .locator('#capacity-summary')
      .getByText(/2 warm, 2 desired, floor 2/)
      .waitFor();
    // Axes and grid are grey; only the warm series is green (#17703f), so green pixels mean data.
    const greenPixels = await canvas.evaluate((element) => {
      const c = element as HTMLCanvasElement;
      const pixels =
        c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let count = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        const [r, g, b, a] = [pixels[i] ?? 0, pixels[i + 1] ?? 0, pixels[i + 2] ?? 0, pixels[i + 3] ?? 0];
        if (a > 128 && g > r + 40 && g > b + 30) count += 1;
      }
      return count;
    });
    expect(greenPixels).toBeGreaterThan(0);
    await page.locator('.charts').screenshot({ path: join(ARTIFACTS, 'dashboard-charts.png') });
  });

  it('shows the error next to a bad field and starts nothing', async () => {
    const before = await env.executionCount();
    await page.getByLabel('Endpoint', { exact: true }).fill('manga-recs');
    await page.getByLabel('Container image').fill(LOCAL_IMAGE);
    await page.getByLabel('Model data').fill(`file://${env.modelV1}`);
    await page.getByLabel('Floor', { exact: true }).fill('1');
    await page.getByRole('button', { name: 'Review rollout…' }).click();

    const error = page.locator('#rollout-minCapacity-error');
    await error.getByText(/must be at least 2/).waitFor();
    await expect(page.getByLabel('Floor', { exact: true }).getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    await expect(page.locator('#rollout-errors').isVisible()).resolves.toBe(true);
    // Focus goes to the field to fix, so a keyboard user lands on it.
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('rollout-minCapacity');
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await page.locator('#rollout-form').screenshot({ path: join(ARTIFACTS, 'dashboard-form-error.png') });
    expect(await env.executionCount()).toBe(before);
  });

  it('follows a rollout started from the form through to success', async () => {
    await page.getByLabel('Floor', { exact: true }).fill('');
    await page.getByLabel('Container image').fill('warmgate-container:v2');
    await page.getByRole('button', { name: 'Review rollout…' }).click();

    const dialog = page.getByRole('dialog');
    await dialog.getByText('Roll out manga-recs?').waitFor();
    await expect(dialog.textContent()).resolves.toContain('2 – 4');
    await dialog.getByRole('button', { name: 'Start rollout' }).click();

    const status = page.locator('#progress-status');
    await status.getByText(/^Succeeded/).waitFor({ timeout: 120_000 });
    const steps = await page.locator('#progress-items li').allTextContents();
    for (const step of ['CreateOrUpdate', 'DescribeEndpoint', 'VerifyCapacity', 'EnsureFloor', 'succeeded']) {
      expect(steps.some((line) => line.includes(step))).toBe(true);
    }
    expect(steps.some((line) => /endpoint (Updating|InService)/.test(line))).toBe(true);
    await endpointRow().getByText('warmgate-container:v2').waitFor();
    await endpointRow().getByText('2 of 2 warm').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-rollout-succeeded.png'), fullPage: true });
  });

  it('pre-warms from an endpoint row after confirmation, and stops it from the executions list', async () => {
    await endpointRow().getByRole('button', { name: 'Pre-warm manga-recs' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Raise the floor to').fill('3');
    await dialog.getByRole('button', { name: 'Start pre-warm' }).click();
    await page.locator('#progress-title').getByText('Progress: Pre-warm of manga-recs').waitFor();
    await endpointRow().getByText('3–').waitFor({ timeout: 60_000 });

    const running = page.locator('#executions-list .execution').filter({ hasText: 'Pre-warm of manga-recs' });
    await running.getByRole('button', { name: /^Stop Pre-warm of manga-recs/ }).click();
    // A destructive action opens with focus on Cancel, so a stray Enter does not confirm it.
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Cancel');
    await page.getByRole('dialog').getByRole('button', { name: 'Stop execution' }).click();
    // Stopping a pre-warm that raised the floor ends its window: the page follows the execution
    // that gives the capacity back, and the floor returns to 2.
    await page
      .locator('#progress-title')
      .getByText('Progress: End of a pre-warm window on manga-recs')
      .waitFor();
    await page
      .locator('#progress-status')
      .getByText(/^Succeeded/)
      .waitFor();
    await endpointRow().getByText('2–').waitFor({ timeout: 30_000 });
    await page.locator('#executions-list .execution').filter({ hasText: 'ABORTED' }).first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-prewarm-stopped.png') });
  });

  it('logged no console errors during the session', () => {
    expect(consoleErrors).toEqual([]);
  });

  it('answers 401 to an API call without the token, and the page says so', async () => {
    const answer = await fetch(`${env.stack.region.url}/api/endpoints`);
    expect(answer.status).toBe(401);
    await expect(answer.json()).resolves.toMatchObject({ error: { code: 'UNAUTHORIZED' } });

    const anonymous = await browser.newPage();
    await anonymous.goto(`${env.stack.region.url}/`);
    await anonymous
      .getByRole('alert')
      .getByText(/needs its access token/)
      .waitFor();
    await anonymous.screenshot({ path: join(ARTIFACTS, 'dashboard-no-token.png') });
    await anonymous.close();
  });
});
