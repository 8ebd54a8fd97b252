/**
 * `mstf runs report`: the Pareto fronts by generation like the paper's Fig. 5 (objectives rebuilt with
 * the search's objective over ALL generations, so every front is on one scale), the selected
 * architecture's drawing, and an index.html that shows both with the numbers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MstfError } from '../errors.js';
import { nonDominatedSort } from '../pareto/sort.js';
import type { CandidateRecord } from '../store/types.js';
import type { SearchService } from './service.js';
import { formatCount, formatScore } from './render.js';

export interface FrontPoint {
  candidateId: number;
  genotype: string;
  F: number[];
}

export interface FrontsByGeneration {
  /** The generations plotted: every 10th (fewer for short searches) and the last. */
  generations: number[];
  /** Per plotted generation: its population's first front (constraint-domination) on the global scale. */
  fronts: FrontPoint[][];
  /** Per plotted generation: the rest of its population. */
  others: FrontPoint[][];
}

/** 0, 10, 20, ..., last (the paper's Fig. 5); short searches use a smaller step so about 4 fronts show. */
export function plottedGenerations(last: number): number[] {
  const count = last + 1;
  const step = count > 12 ? 10 : Math.max(1, Math.ceil(count / 4));
  const gens: number[] = [];
  for (let g = 0; g < last; g += step) gens.push(g);
  gens.push(last);
  return gens;
}

/**
 * The populations of the plotted generations with objectives normalised over every candidate that was in
 * any population (the paper: "normalize ... into [0, 1] over all generations").
 */
export function frontsByGeneration(service: SearchService, id: string): FrontsByGeneration {
  const store = service.store;
  const s = store.requireSearch(id);
  if (s.generation < 0) throw new MstfError('INVALID_ARGUMENT', `search ${id} has no finished generation yet`);
  const setup = service.setupOf(id);
  const populations: { g: number; members: { c: CandidateRecord; violation: number }[] }[] = [];
  const all = new Map<number, CandidateRecord>();
  for (let g = 0; g <= s.generation; g++) {
    const members = store
      .pool(id, g)
      .filter((m) => m.survived)
      .map((m) => ({ c: m.candidate, violation: m.violation }));
    for (const m of members) all.set(m.c.id, m.c);
    populations.push({ g, members });
  }
  const ids = [...all.keys()];
  const built = setup.objective.build(
    ids.map((cid) => Object.fromEntries(setup.scoreIds.map((k) => [k, all.get(cid)!.scores[k] ?? null]))),
    setup.config.indicators,
    setup.objectiveOptions,
  );
  const F = new Map(ids.map((cid, i) => [cid, built.F[i]!]));
  const generations = plottedGenerations(s.generation);
  const fronts: FrontPoint[][] = [];
  const others: FrontPoint[][] = [];
  for (const g of generations) {
    const members = populations[g]!.members;
    const points = members.map((m) => ({ candidateId: m.c.id, genotype: m.c.genotype, F: F.get(m.c.id)! }));
    const first = new Set(nonDominatedSort(members.map((m, i) => ({ F: points[i]!.F, violation: m.violation })))[0] ?? []);
    fronts.push(points.filter((_, i) => first.has(i)).sort((a, b) => a.F[0]! - b.F[0]!));
    others.push(points.filter((_, i) => !first.has(i)));
  }
  return { generations, fronts, others };
}

const PALETTE = ['#440154', '#3b528b', '#21918c', '#5ec962', '#e3a400', '#d1495b', '#7a5195', '#00798c', '#edae49', '#30638e'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A scatter plot of the fronts (f1 right, f2 up; both minimised): one colour per generation. */
export function paretoSvg(data: FrontsByGeneration, title: string): string {
  const W = 640;
  const H = 480;
  const m = { l: 70, r: 150, t: 40, b: 60 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const pts = [...data.fronts.flat(), ...data.others.flat()];
  if (pts.length === 0 || pts[0]!.F.length < 2) {
    throw new MstfError('INVALID_ARGUMENT', 'report: the Pareto plot needs two objectives');
  }
  const xs = pts.map((p) => p.F[0]!);
  const ys = pts.map((p) => p.F[1]!);
  const pad = (lo: number, hi: number): [number, number] => {
    const span = hi - lo || 1;
    return [lo - span * 0.05, hi + span * 0.05];
  };
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const X = (v: number) => m.l + ((v - x0) / (x1 - x0)) * pw;
  const Y = (v: number) => m.t + ph - ((v - y0) / (y1 - y0)) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`);
  // Axes and ticks.
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  for (let i = 0; i <= 4; i++) {
    const vx = x0 + ((x1 - x0) * i) / 4;
    const vy = y0 + ((y1 - y0) * i) / 4;
    out.push(`<line x1="${X(vx)}" y1="${m.t + ph}" x2="${X(vx)}" y2="${m.t + ph + 5}" stroke="#333"/>`);
    out.push(`<text x="${X(vx)}" y="${m.t + ph + 18}" text-anchor="middle">${vx.toFixed(2)}</text>`);
    out.push(`<line x1="${m.l - 5}" y1="${Y(vy)}" x2="${m.l}" y2="${Y(vy)}" stroke="#333"/>`);
    out.push(`<text x="${m.l - 8}" y="${Y(vy) + 4}" text-anchor="end">${vy.toFixed(2)}</text>`);
  }
  out.push(`<text x="${m.l + pw / 2}" y="${H - 18}" text-anchor="middle">objective 1 (minimised)</text>`);
  out.push(`<text transform="translate(18 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">objective 2 (minimised)</text>`);
  data.generations.forEach((g, k) => {
    const colour = PALETTE[k % PALETTE.length]!;
    out.push(`<g class="generation" data-generation="${g}">`);
    for (const p of data.others[k]!) {
      out.push(`<circle cx="${X(p.F[0]!).toFixed(1)}" cy="${Y(p.F[1]!).toFixed(1)}" r="2" fill="${colour}" fill-opacity="0.25"/>`);
    }
    const front = data.fronts[k]!;
    if (front.length > 1) {
      const d = front.map((p, i) => `${i === 0 ? 'M' : 'L'}${X(p.F[0]!).toFixed(1)},${Y(p.F[1]!).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
    }
    for (const p of front) {
      out.push(
        `<circle class="front" cx="${X(p.F[0]!).toFixed(1)}" cy="${Y(p.F[1]!).toFixed(1)}" r="4" fill="${colour}"><title>${esc(p.genotype)}</title></circle>`,
      );
    }
    out.push('</g>');
    const ly = m.t + 10 + k * 20;
    out.push(`<circle cx="${m.l + pw + 20}" cy="${ly}" r="5" fill="${colour}"/>`);
    out.push(`<text x="${m.l + pw + 32}" y="${ly + 4}">generation ${g}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Write pareto.svg, selected.svg and index.html into `dir`; returns their paths. */
export function writeReport(service: SearchService, id: string, dir: string): string[] {
  const details = service.show(id);
  if (!details.selected) {
    throw new MstfError('INVALID_ARGUMENT', `search ${id} is ${details.status}: a report needs a completed search`);
  }
  const fronts = frontsByGeneration(service, id);
  const arch = service.architecture(id);
  const c = details.config;
  const pareto = paretoSvg(fronts, `Pareto fronts by generation: ${c.dataset}, ${c.indicators.join(' + ')} (${c.objective})`);
  fs.mkdirSync(dir, { recursive: true });
  const files = {
    'pareto.svg': pareto,
    'selected.svg': arch.svg,
    'index.html': indexHtml(details, arch.summary),
  };
  return Object.entries(files).map(([name, text]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  });
}

function indexHtml(d: ReturnType<SearchService['show']>, summary: string): string {
  const s = d.selected!;
  const c = d.config;
  const rows = d.pareto
    .map(
      (p) =>
        `<tr${p.hash === s.hash ? ' class="selected"' : ''}><td><code>${esc(p.genotype)}</code></td>${c.indicators
          .map((i) => `<td>${formatScore(p.scores[i])}</td>`)
          .join('')}<td>${formatCount(p.flops)}</td><td>${formatCount(p.params)}</td><td>${p.objectives.map((v) => v.toFixed(3)).join(', ')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>mstf search ${esc(d.searchId)}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}td,th{padding:2px 8px;text-align:left}tr.selected{background:#fff3c4}pre{background:#f6f6f6;padding:8px;overflow:auto}</style>
</head><body>
<h1>Search ${esc(d.searchId)}</h1>
<p>${esc(c.dataset)}, space ${esc(c.space)} (C0=${c.channels}), indicators ${esc(c.indicators.join(' + '))}, objective ${esc(c.objective)},
optimizer ${esc(c.optimizer)}: population ${c.population}, offspring ${c.offspring}, ${c.generations} generations, seed ${c.seed}, preset ${c.preset}.
Status ${d.status}; ${d.evaluated} candidates.</p>
<h2>Pareto fronts by generation</h2>
<p>Objectives rebuilt over every population of the search (normalised over all generations, as in the paper's Fig. 5).</p>
<img src="pareto.svg" alt="Pareto fronts by generation">
<h2>Selected architecture</h2>
<p>Highest normalised p1 + p2 in the last population. Genotype <code>${esc(s.genotype)}</code>, hash <code>${esc(s.hash)}</code>,
${c.indicators.map((i) => `${esc(i)} ${formatScore(s.scores[i])}`).join(', ')}, FLOPs ${formatCount(s.flops)}, params ${formatCount(s.params)}.</p>
<pre>${esc(summary)}</pre>
<img src="selected.svg" alt="selected architecture" style="max-width:100%">
<h2>Final Pareto front</h2>
<table><tr><th>genotype</th>${c.indicators.map((i) => `<th>${esc(i)}</th>`).join('')}<th>FLOPs</th><th>params</th><th>objectives</th></tr>
${rows}
</table>
</body></html>
`;
}
