/**
 * The MSTF architecture drawing measured in a real browser (Debian's chromium via playwright-core, so the
 * text widths are the font engine's, not the drawing's own estimate): for random genotypes (3 and 4 blocks,
 * dead nodes included) no wire segment passes through a box (other than touching the boxes it joins at
 * their border), no wire crosses a frame title, and every label lies inside its box.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { bootKernel, resolveSettings } from '../../core/kernel/index.js';
import { drawArchitecture } from '../../core/arch/describe.js';
import { mstfBounds } from '../../plugins/space-mstf/genotype.js';
import spaceMstf from '../../plugins/space-mstf/index.js';
import { Rng } from '../../core/util/rng.js';
import { tempDir } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Measured {
  boxes: { id: string; rect: Rect; labels: Rect[] }[];
  titles: Rect[];
  wires: { from: string; to: string; points: [number, number][] }[];
}

/** Does segment p-q pass through the interior of r shrunk by `inset` (Liang-Barsky clipping)? */
function segmentHitsRect(p: [number, number], q: [number, number], r: Rect, inset = 1): boolean {
  const x0 = r.x + inset;
  const x1 = r.x + r.w - inset;
  const y0 = r.y + inset;
  const y1 = r.y + r.h - inset;
  if (x0 >= x1 || y0 >= y1) return false;
  const dx = q[0] - p[0];
  const dy = q[1] - p[1];
  let t0 = 0;
  let t1 = 1;
  for (const [den, num] of [
    [-dx, p[0] - x0],
    [dx, x1 - p[0]],
    [-dy, p[1] - y0],
    [dy, y1 - p[1]],
  ] as [number, number][]) {
    if (den === 0) {
      if (num < 0) return false;
    } else {
      const t = num / den;
      if (den < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
    }
  }
  return t0 < t1;
}

let context: BrowserContext;
let page: Page;
const dirs: string[] = [];
beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`missing prerequisite: Debian package chromium (${CHROMIUM}); apt-get install chromium`);
  const profile = tempDir('mstf-chromium-');
  dirs.push(profile);
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
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
  page = await context.newPage();
}, 60_000);
afterAll(async () => {
  await context?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function measure(svg: string): Promise<Measured> {
  await page.setContent(
    `<!doctype html><html><body style="margin:0">${svg.replace(/^<\?xml[^>]*>\s*/, '')}</body></html>`,
  );
  return page.evaluate(() => {
    const rect = (e: SVGGraphicsElement) => {
      const b = e.getBBox();
      return { x: b.x, y: b.y, w: b.width, h: b.height };
    };
    const boxes = [...document.querySelectorAll('g.node')].map((g) => ({
      id: g.getAttribute('data-id')!,
      rect: rect(g.querySelector('rect')!),
      labels: [...g.querySelectorAll('text')].map((t) => rect(t)),
    }));
    const titles = [...document.querySelectorAll('text.frame-title')].map((t) => rect(t as SVGGraphicsElement));
    const wires = [...document.querySelectorAll('path.wire')].map((p) => ({
      from: p.getAttribute('data-from')!,
      to: p.getAttribute('data-to')!,
      points: [...p.getAttribute('d')!.matchAll(/[ML]\s*(-?[\d.]+),(-?[\d.]+)/g)].map(
        (m) => [Number(m[1]), Number(m[2])] as [number, number],
      ),
    }));
    return { boxes, titles, wires };
  });
}

function randomGenotype(rng: Rng, blocks: number): string {
  return mstfBounds(blocks)
    .map((b) => b.low + Math.floor(rng.next() * (b.high - b.low + 1)))
    .join(',');
}

describe('mstf drawing layout (measured in chromium)', () => {
  it('geometry checker: a segment through a box is caught, one along its border or outside is not', () => {
    const r = { x: 10, y: 10, w: 20, h: 10 };
    expect(segmentHitsRect([0, 15], [40, 15], r)).toBe(true);
    expect(segmentHitsRect([20, 0], [20, 12], r)).toBe(true);
    expect(segmentHitsRect([0, 0], [40, 30], r)).toBe(true);
    expect(segmentHitsRect([0, 10], [40, 10], r)).toBe(false);
    expect(segmentHitsRect([30, 15], [50, 15], r)).toBe(false);
    expect(segmentHitsRect([0, 0], [9, 30], r)).toBe(false);
  });

  it('no wire crosses a box or a frame title, every label fits its box (random 3- and 4-block genotypes)', async () => {
    const k = await bootKernel({
      settings: resolveSettings({ cwd: '/nonexistent-mstf-test-dir' }),
      builtins: [spaceMstf],
    });
    const rng = new Rng(15);
    const cases = [
      ...Array.from({ length: 6 }, () => ({ blocks: 3, genotype: randomGenotype(rng, 3) })),
      ...Array.from({ length: 3 }, () => ({ blocks: 4, genotype: randomGenotype(rng, 4) })),
    ];
    let checkedSegments = 0;
    for (const c of cases) {
      const svg = drawArchitecture(k, { space: 'mstf', genotype: c.genotype, options: { blocks: c.blocks } });
      const m = await measure(svg);
      // input, stem, gap, dense + per block: cell input, 5 nodes, concat, proj, 4 pools, concat (+ expand).
      expect(m.boxes).toHaveLength(4 + c.blocks * 13 + (c.blocks - 1));
      expect(m.titles).toHaveLength(2 * c.blocks);
      for (const b of m.boxes) {
        expect(b.labels.length, b.id).toBeGreaterThan(0);
        for (const l of b.labels) {
          const inside =
            l.x >= b.rect.x + 2 &&
            l.x + l.w <= b.rect.x + b.rect.w - 2 &&
            l.y >= b.rect.y &&
            l.y + l.h <= b.rect.y + b.rect.h;
          expect(
            inside,
            `${c.genotype}: a label of ${b.id} (${JSON.stringify(l)}) overflows its box ${JSON.stringify(b.rect)}`,
          ).toBe(true);
        }
      }
      for (const w of m.wires) {
        expect(w.points.length, `${w.from}->${w.to}`).toBeGreaterThanOrEqual(2);
        for (let i = 0; i + 1 < w.points.length; i++) {
          const [p, q] = [w.points[i]!, w.points[i + 1]!];
          checkedSegments++;
          for (const b of m.boxes) {
            expect(
              segmentHitsRect(p, q, b.rect),
              `${c.genotype}: wire ${w.from}->${w.to} segment ${i} passes through ${b.id}`,
            ).toBe(false);
          }
          for (const t of m.titles)
            expect(segmentHitsRect(p, q, t, 0), `${c.genotype}: wire ${w.from}->${w.to} crosses a frame title`).toBe(
              false,
            );
        }
        // Each wire starts on its source box's border and ends on its target's.
        const onBorder = (pt: [number, number], id: string) => {
          const r = m.boxes.find((b) => b.id === id)!.rect;
          const within =
            pt[0] >= r.x - 0.6 && pt[0] <= r.x + r.w + 0.6 && pt[1] >= r.y - 0.6 && pt[1] <= r.y + r.h + 0.6;
          const edge = Math.min(
            Math.abs(pt[0] - r.x),
            Math.abs(pt[0] - r.x - r.w),
            Math.abs(pt[1] - r.y),
            Math.abs(pt[1] - r.y - r.h),
          );
          return within && edge < 0.6;
        };
        expect(onBorder(w.points[0]!, w.from), `${w.from}->${w.to} start`).toBe(true);
        expect(onBorder(w.points[w.points.length - 1]!, w.to), `${w.from}->${w.to} end`).toBe(true);
      }
    }
    expect(checkedSegments).toBeGreaterThan(500);
  }, 120_000);
});
