import { mkdirSync, mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { Database } from '../../src/db/create-db.ts';
import { DEMO_ORGANISATION, loadDemo } from '../../src/demo/run-demo.ts';
import { TEST_ADMIN_TOKEN, testConfig } from '../helpers/test-app.ts';
import { createTestDatabase } from '../helpers/test-db.ts';

/*
 * The board's page in a real browser: Debian's Chromium, driven by playwright-core, against the
 * app listening on loopback with the Wigan sample loaded. Each chart must have drawn its marks,
 * the page's figures must be the JSON's, and a screenshot and an A4 print are written to
 * test-results/ for a person to look at.
 */

const CHROMIUM = process.env.CWB_CHROMIUM ?? '/usr/bin/chromium';
const RESULTS = path.resolve('test-results');

let database: Database;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let viewerKey: string;
let dir: string;
let report: {
  headline: Record<string, string | number | null>;
  trend: Record<string, string | number | null>[];
  quarters: { key: string; totalSpend: string; localSpend: string }[];
  services: { label: string; totalSpend: string }[];
  topLocalSuppliers: { name: string; spend: string }[];
  paymentCompliance: {
    period: { key: string };
    paid: { meanDays: number };
    groups: { key: string; paid: { invoices: number; within30: { invoiceShare: number } } }[];
  }[];
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cwb-browser-'));
  database = await createTestDatabase();
  await loadDemo(database.db, dir);
  app = await buildApp({ config: testConfig(), database });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const key = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${DEMO_ORGANISATION.id}/keys`,
    headers: admin,
    payload: { role: 'viewer' },
  });
  viewerKey = key.json<{ key: string }>().key;
  report = (
    await app.inject({
      method: 'GET',
      url: '/v1/organisations/wigan/reports/annual?year=2022',
      headers: { authorization: `Bearer ${viewerKey}` },
    })
  ).json();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  mkdirSync(RESULTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a URL in a fresh page, failing on any console error (a blocked style shows up there). */
async function open(url: string, headers: Record<string, string> = {}): Promise<Page> {
  const context = await browser.newContext({
    extraHTTPHeaders: headers,
    viewport: { width: 900, height: 1200 },
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  expect(problems).toEqual([]);
  return page;
}

const attr = (page: Page, selector: string, name: string) =>
  page.$$eval(selector, (els, n) => els.map((e) => e.getAttribute(n)), name);

describe('the annual report page in Chromium', () => {
  let page: Page;
  beforeAll(async () => {
    page = await open(`${base}/v1/organisations/wigan/reports/annual?year=2022`, {
      authorization: `Bearer ${viewerKey}`,
    });
  });

  it('shows the headline figures of the JSON, as a person reads them', async () => {
    expect(await page.title()).toBe('Wigan Council: spend with local suppliers, 2022/23');
    for (const field of [
      'totalSpend',
      'localSpend',
      'vcfseSpend',
      'smeSpend',
      'deprivedAreaSpend',
    ]) {
      const card = page.locator(`[data-figure="${field}"]`);
      expect(await card.getAttribute('data-value'), field).toBe(report.headline[field]);
      const millions = `£${(Number(report.headline[field]) / 1e6).toFixed(1)}m`;
      expect(await card.textContent(), field).toBe(millions);
    }
    expect(await page.locator('[data-figure="totalSpend"]').textContent()).toBe('£415.0m');
    expect(await page.locator('[data-figure="localSpend"]').textContent()).toBe('£91.0m');
    const localShare = page.locator('[data-figure="localShare"]');
    expect(Number(await localShare.getAttribute('data-value'))).toBe(report.headline.localShare);
    expect(await localShare.textContent()).toBe('21.9% of spend');
    expect(await page.locator('[data-figure="summary"]').textContent()).toContain(
      '£91.0m (21.9%) of it with 981 local suppliers',
    );
  });

  it('draws the shares chart: a point per share per year', async () => {
    const points = await attr(page, '#chart-shares circle.point', 'data-value');
    expect(points).toHaveLength(4 * report.trend.length);
    const local = await attr(page, '#chart-shares circle.point[data-series="local"]', 'data-value');
    expect(local.map(Number)).toEqual(report.trend.map((y) => y.localShare));
    expect(await page.locator('#chart-shares polyline.line').count()).toBe(4);
  });

  it('draws the quarters chart: four bars of the JSON totals, with height', async () => {
    expect(await attr(page, '#chart-quarters rect.bar', 'data-value')).toEqual(
      report.quarters.map((q) => q.totalSpend),
    );
    expect(await attr(page, '#chart-quarters rect.bar-local', 'data-value')).toEqual(
      report.quarters.map((q) => q.localSpend),
    );
    const heights = await page.$$eval('#chart-quarters rect.bar', (els) =>
      els.map((e) => (e as unknown as { getBBox(): { height: number } }).getBBox().height),
    );
    expect(heights.every((h) => h > 100)).toBe(true);
  });

  it('draws the services chart and lists every service', async () => {
    const bars = await attr(page, '#chart-services rect.bar', 'data-label');
    const shown = Math.min(report.services.length, 12) + (report.services.length > 12 ? 1 : 0);
    expect(bars).toHaveLength(shown);
    expect(bars[0]).toBe(report.services[0]!.label);
    expect(await page.locator('[data-table="services"] tbody tr').count()).toBe(
      report.services.length,
    );
  });

  it('lists the top 20 local suppliers with the JSON spend', async () => {
    expect(await attr(page, '[data-table="suppliers"] td[data-value]', 'data-value')).toEqual(
      report.topLocalSuppliers.map((s) => s.spend),
    );
    expect(report.topLocalSuppliers).toHaveLength(20);
  });

  it('draws how quickly invoices were paid, period by period', async () => {
    expect(report.paymentCompliance.map((c) => c.period.key)).toEqual(['2022H1', '2022H2']);
    for (const c of report.paymentCompliance) {
      const chart = `#chart-payment-${c.period.key}`;
      const shown = ['all', 'local', 'small-local', 'not-local', 'sme', 'not-sme'];
      expect(await page.locator(`${chart} rect.band`).count()).toBe(shown.length * 3);
      const within30 = await attr(page, `${chart} rect.band[data-band="within30"]`, 'data-value');
      expect(within30.map(Number)).toEqual(
        shown.map((key) => c.groups.find((g) => g.key === key)!.paid.within30.invoiceShare),
      );
      const mean = page.locator(`[data-period="${c.period.key}"][data-figure="meanDays"]`);
      expect(Number(await mean.getAttribute('data-value'))).toBe(c.paid.meanDays);
      expect(await mean.textContent()).toContain(
        `in ${c.paid.meanDays.toFixed(1)} days on average`,
      );
    }
  });

  it('writes a screenshot and an A4 print for people to look at', async () => {
    const png = path.join(RESULTS, 'annual-report.png');
    await page.screenshot({ path: png, fullPage: true });
    expect(statSync(png).size).toBeGreaterThan(100_000);

    const pdf = path.join(RESULTS, 'annual-report.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    const text = readFileSync(pdf, 'latin1');
    const sizes = [...text.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [
      Math.round(Number(m[1])),
      Math.round(Number(m[2])),
    ]);
    // A4 is 595 x 842 points; the report runs to a few pages, every one A4.
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    expect(sizes.length).toBeLessThanOrEqual(8);
    for (const size of sizes) expect(size).toEqual([595, 842]);
  });
});

describe('a report link in Chromium', () => {
  it('opens the same page without a key', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/organisations/wigan/reports/annual/links',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      payload: { year: 2022, days: 1 },
    });
    const linkPath = new URL(created.json<{ url: string }>().url).pathname;
    const page = await open(`${base}${linkPath}`);
    expect(await page.locator('[data-figure="localSpend"]').getAttribute('data-value')).toBe(
      '91000000.00',
    );
    expect(await page.locator('#chart-quarters rect.bar').count()).toBe(4);
  });
});
