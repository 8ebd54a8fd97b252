/**
 * `mstf runs report` opened in a real headless browser (Debian's chromium driven by playwright-core):
 * a tiny search through the built CLI (jacob_cov + synflow, C0 = 8, 4 + 4 x 2 candidates) and a 2-epoch
 * training of its pick, then the page must load with no console error, show Fig. 5 (FLOPs against both
 * indicators, pick marked), the hypervolume and the training curves at non-zero size, sort the Pareto table
 * and show a member's drawing on click. Chromium missing: the test fails with one line naming it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { runCli, tempDir } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function launch(): Promise<BrowserContext> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`missing prerequisite: Debian package chromium (${CHROMIUM}); apt-get install chromium`);
  const profile = tempDir('mstf-chromium-');
  dirs.push(profile);
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

function lastJson(stdout: string): Record<string, any> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

describe('runs report in a headless browser', () => {
  it('loads without console errors, shows Fig. 5, hypervolume and curves, sorts the table and draws a clicked member', async () => {
    const ws = tempDir('mstf-report-');
    dirs.push(ws);
    const search = await runCli(
      [
        'search',
        '--population',
        '4',
        '--offspring',
        '4',
        '--generations',
        '3',
        '--channels',
        '8',
        '--batch-size',
        '8',
        '--seed',
        '2',
        '--json',
      ],
      { cwd: ws, timeoutMs: 240_000 },
    );
    expect(search.code, search.stderr).toBe(0);
    const summary = lastJson(search.stdout);
    expect(summary.status).toBe('completed');
    const id = summary.searchId as string;
    const train = await runCli(
      ['train', '--run', id, '--epochs', '2', '--max-train', '16', '--max-eval', '16', '--batch-size', '8', '--json'],
      {
        cwd: ws,
        timeoutMs: 240_000,
      },
    );
    expect(train.code, train.stderr).toBe(0);

    const out = path.join(ws, 'report');
    const report = await runCli(['runs', 'report', id, '--out', out, '--json'], { cwd: ws });
    expect(report.code, report.stderr).toBe(0);
    const files = (JSON.parse(report.stdout).files as string[]).map((f) => path.basename(f));
    expect(files).toContain('index.html');
    expect(files.filter((f) => f.startsWith('training-') && f.endsWith('.png'))).toHaveLength(1);

    // Fig. 5 in raw units: the FLOPs axis, one panel per indicator, the pick labelled.
    const fig5 = fs.readFileSync(path.join(out, 'fig5-fronts.svg'), 'utf8');
    expect(fig5).toContain('FLOPs (M multiply-accumulates)');
    for (const indicator of ['jacob_cov', 'synflow']) expect(fig5).toContain(`>${indicator}</text>`);
    expect(fig5).toContain(`selected ${(summary.selected.hash as string).slice(0, 8)}`);

    const context = await launch();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (r) => {
        if (!r.url().startsWith('data:') && !r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(pathToFileURL(path.join(out, 'index.html')).href, { waitUntil: 'load' });

      const sizes = await page.evaluate(() =>
        ['fig-fronts', 'fig-hypervolume'].map((figId) => {
          const img = document.getElementById(figId) as HTMLImageElement;
          const r = img.getBoundingClientRect();
          return { figId, natural: img.naturalWidth, w: r.width, h: r.height };
        }),
      );
      for (const s of sizes) {
        expect(s.natural, s.figId).toBeGreaterThan(0);
        expect(s.w * s.h, s.figId).toBeGreaterThan(100 * 100);
      }
      const curves = page.locator('section.training img.figure');
      await expect(curves.count()).resolves.toBe(1);
      expect(await curves.evaluate((img: HTMLImageElement) => img.naturalWidth * img.naturalHeight)).toBeGreaterThan(0);

      // The selected member's drawing is shown first; clicking another member shows its own drawing.
      const rows = page.locator('#pareto tbody tr');
      const n = await rows.count();
      expect(n).toBe(summary.pareto.length);
      const drawnSrc = () =>
        page.locator('#drawing img').evaluate((img: HTMLImageElement) => ({ src: img.src, w: img.naturalWidth }));
      const first = await drawnSrc();
      expect(first.w).toBeGreaterThan(0);
      const other = summary.pareto.find((p: { hash: string }) => p.hash !== summary.selected.hash);
      if (other) {
        await page.locator(`#pareto tr[data-hash="${other.hash}"]`).click();
        const shown = await drawnSrc();
        expect(shown.w).toBeGreaterThan(0);
        expect(shown.src).not.toBe(first.src);
        const expected = await page
          .locator(`template[data-hash="${other.hash}"]`)
          .evaluate((t: HTMLTemplateElement) => (t.content.querySelector('img') as HTMLImageElement).src);
        expect(shown.src).toBe(expected);
        await expect(page.locator('#drawing-hash').textContent()).resolves.toBe(other.hash.slice(0, 12));
      }

      // Sorting by FLOPs (a numeric column) orders the rows by the stored FLOPs, both ways.
      const flopsHeader = page.locator('#pareto thead th', { hasText: 'FLOPs' });
      const order = () =>
        page.locator('#pareto tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-hash')));
      const byFlops = [...summary.pareto].sort((a: { flops: number }, b: { flops: number }) => a.flops - b.flops);
      await flopsHeader.click();
      const asc = await order();
      expect(asc.map((h) => summary.pareto.find((p: { hash: string }) => p.hash === h).flops)).toEqual(
        byFlops.map((p: { flops: number }) => p.flops),
      );
      await flopsHeader.click();
      const desc = await order();
      expect(desc.map((h) => summary.pareto.find((p: { hash: string }) => p.hash === h).flops)).toEqual(
        byFlops.map((p: { flops: number }) => p.flops).reverse(),
      );

      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await context.close();
    }
  }, 600_000);
});
