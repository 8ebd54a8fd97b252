/**
 * `mstf runs report`: one self-contained HTML page for a completed search (every figure inlined as a data
 * URI, a little inline script, no network) plus the figures as SVG and PNG files for a paper:
 * - fig5-fronts: the paper's Fig. 5 in raw units (FLOPs against each indicator, fronts per generation);
 * - hypervolume: hypervolume of each generation's first front;
 * - training-<id>: the curves of every training of this search found in the trainings folder.
 * The Pareto table sorts on click and each member's drawing opens on click.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MstfError } from '../errors.js';
import { nonDominatedSort } from '../pareto/sort.js';
import { hypervolume } from '../pareto/hypervolume.js';
import type { CandidateRecord } from '../store/types.js';
import type { SearchService } from './service.js';
import type { SearchDetails } from './events.js';
import { formatCount, formatScore } from './render.js';
import { frontsSvg, type FrontsPoint } from '../figures/fronts.js';
import { hypervolumeSvg } from '../figures/hypervolume.js';
import { trainingCurvesSvg } from '../figures/training-curves.js';
import { svgToPng } from '../figures/render.js';
import { findTrainings, type TrainingRecord } from '../figures/trainings.js';

export interface FrontPoint {
  candidateId: number;
  genotype: string;
  F: number[];
}

interface Population {
  generation: number;
  members: { c: CandidateRecord; violation: number; F: number[] }[];
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
 * Every generation's population with objectives rebuilt by the search's objective over every candidate
 * that was in any population (the paper: "normalize ... into [0, 1] over all generations"), so fronts of
 * different generations are on one scale.
 */
export function populations(service: SearchService, id: string): Population[] {
  const store = service.store;
  const s = store.requireSearch(id);
  if (s.generation < 0) throw new MstfError('INVALID_ARGUMENT', `search ${id} has no finished generation yet`);
  const setup = service.setupOf(id);
  const raw: { generation: number; members: { c: CandidateRecord; violation: number }[] }[] = [];
  const all = new Map<number, CandidateRecord>();
  for (let g = 0; g <= s.generation; g++) {
    const members = store
      .pool(id, g)
      .filter((m) => m.survived)
      .map((m) => ({ c: m.candidate, violation: m.violation }));
    for (const m of members) all.set(m.c.id, m.c);
    raw.push({ generation: g, members });
  }
  const ids = [...all.keys()];
  const built = setup.objective.build(
    ids.map((cid) => Object.fromEntries(setup.scoreIds.map((k) => [k, all.get(cid)!.scores[k] ?? null]))),
    setup.config.indicators,
    setup.objectiveOptions,
  );
  const F = new Map(ids.map((cid, i) => [cid, built.F[i]!]));
  return raw.map((p) => ({ generation: p.generation, members: p.members.map((m) => ({ ...m, F: F.get(m.c.id)! })) }));
}

/** The first front (constraint-domination) of one population. */
function firstFront(p: Population): Population['members'] {
  const first = new Set(nonDominatedSort(p.members.map((m) => ({ F: m.F, violation: m.violation })))[0] ?? []);
  return p.members.filter((_, i) => first.has(i));
}

/**
 * Hypervolume of each generation's first front, objectives min-max scaled to [0, 1] over all generations
 * (all minimised) and the reference point 1.1 in every objective, so a front at the worst corner scores
 * > 0 and the values of different generations compare.
 */
export function hypervolumeByGeneration(pops: Population[]): { generation: number; hypervolume: number }[] {
  const allF = pops.flatMap((p) => p.members.map((m) => m.F));
  if (allF.length === 0) return [];
  const k = allF[0]!.length;
  const lo = Array.from({ length: k }, (_, j) => Math.min(...allF.map((f) => f[j]!)));
  const hi = Array.from({ length: k }, (_, j) => Math.max(...allF.map((f) => f[j]!)));
  const scale = (f: number[]) => f.map((v, j) => (hi[j]! > lo[j]! ? (v - lo[j]!) / (hi[j]! - lo[j]!) : 0));
  const reference = Array.from({ length: k }, () => 1.1);
  return pops.map((p) => ({
    generation: p.generation,
    hypervolume: hypervolume(
      firstFront(p)
        .filter((m) => m.violation === 0)
        .map((m) => scale(m.F)),
      reference,
    ),
  }));
}

const toPoint = (c: CandidateRecord, generation = c.generation): FrontsPoint => ({
  generation,
  hash: c.hash,
  flops: c.flops ?? NaN,
  scores: c.scores,
});

export interface ReportFigures {
  fronts: string;
  hypervolume: string;
  trainings: { training: TrainingRecord; svg: string | null }[];
}

/** The paper's Fig. 5 of a completed search as SVG (its Pareto fronts by generation and the pick). */
export async function frontsFigure(
  service: SearchService,
  id: string,
  details: SearchDetails,
  pops = populations(service, id),
): Promise<string> {
  const c = details.config;
  const s = details.selected;
  if (!s)
    throw new MstfError(
      'INVALID_ARGUMENT',
      `search ${id} is ${details.status}: the Pareto plot needs a completed search`,
    );
  const plotted = new Set(plottedGenerations(pops.length - 1));
  const fronts = pops
    .filter((p) => plotted.has(p.generation))
    .flatMap((p) => firstFront(p).map((m) => toPoint(m.c, p.generation)));
  const candidates = service.store
    .candidates(id)
    .filter((x) => x.state === 'ok')
    .map((x) => toPoint(x));
  const selected = service.store.candidateByHash(id, s.hash);
  if (!selected)
    throw new MstfError(
      'DATA_CORRUPT',
      `search ${id}: the selected architecture ${s.hash} is not among its candidates`,
    );
  return frontsSvg({
    title: `Pareto fronts by generation: ${c.dataset}, ${c.indicators.join(' + ')} (${c.objective})`,
    indicators: c.indicators,
    candidates,
    fronts,
    selected: { ...toPoint(selected), label: `selected ${s.hash.slice(0, 8)}` },
  });
}

/** The SVG figures of a completed search (and of its trainings found under `trainingsRoot`). */
export async function reportFigures(
  service: SearchService,
  id: string,
  details: SearchDetails,
  trainings: TrainingRecord[],
): Promise<ReportFigures> {
  const c = details.config;
  const pops = populations(service, id);
  const fronts = await frontsFigure(service, id, details, pops);
  const hv = await hypervolumeSvg({
    title: `Hypervolume per generation (${c.objective})`,
    points: hypervolumeByGeneration(pops),
  });
  const curves = [];
  for (const t of trainings) {
    curves.push({
      training: t,
      svg:
        t.history.length > 0
          ? await trainingCurvesSvg({ title: `Training ${t.id} (${t.label})`, history: t.history })
          : null,
    });
  }
  return { fronts, hypervolume: hv, trainings: curves };
}

export interface ReportOptions {
  /** Folders of training directories to look through (default: .mstf/trainings of the working directory). */
  trainingsRoots: string[];
}

/** Write index.html and the figures (SVG and PNG) into `dir`; returns the files written. */
export async function writeReport(
  service: SearchService,
  id: string,
  dir: string,
  options: ReportOptions,
): Promise<string[]> {
  const details = service.show(id);
  if (!details.selected) {
    throw new MstfError('INVALID_ARGUMENT', `search ${id} is ${details.status}: a report needs a completed search`);
  }
  const found = findTrainings(options.trainingsRoots);
  const own = found.filter((t) => t.searchId === id);
  const baselines = found.filter((t) => t.baseline && t.dataset === details.config.dataset && t.test !== null);
  const figures = await reportFigures(service, id, details, own);
  const drawings = details.pareto.map((p) => ({ hash: p.hash, svg: service.architecture(id, p.genotype).svg }));
  const summary = service.architecture(id).summary;

  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, data: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, data);
    files.push(file);
  };
  const figureFiles: [string, string][] = [
    ['fig5-fronts', figures.fronts],
    ['hypervolume', figures.hypervolume],
    ['selected', drawings.find((d) => d.hash === details.selected!.hash)!.svg],
    ...figures.trainings
      .filter((t) => t.svg !== null)
      .map((t): [string, string] => [`training-${t.training.id}`, t.svg!]),
  ];
  for (const [name, svg] of figureFiles) {
    write(`${name}.svg`, svg);
    write(`${name}.png`, svgToPng(svg));
  }
  write('index.html', reportHtml({ details, summary, figures, drawings, baselines }));
  return files;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const dataUri = (svg: string) => `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
/** A number for the table's sort (data-sort); missing values sort last. */
const sortKey = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
const metric = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(3));

interface HtmlInput {
  details: SearchDetails;
  summary: string;
  figures: ReportFigures;
  drawings: { hash: string; svg: string }[];
  baselines: TrainingRecord[];
}

export function reportHtml({ details: d, summary, figures, drawings, baselines }: HtmlInput): string {
  const s = d.selected!;
  const c = d.config;
  const header = ['', 'hash', ...c.indicators, 'FLOPs', 'params', ...c.indicators.map((_, i) => `objective ${i + 1}`)];
  const rows = d.pareto
    .map((p, i) => {
      const cells = [
        `<td data-sort="${i}">${p.hash === s.hash ? '&#9733;' : ''}</td>`,
        `<td data-sort="${esc(p.hash)}"><code>${esc(p.hash.slice(0, 12))}</code></td>`,
        ...c.indicators.map((k) => `<td data-sort="${sortKey(p.scores[k])}">${formatScore(p.scores[k])}</td>`),
        `<td data-sort="${sortKey(p.flops)}">${formatCount(p.flops)}</td>`,
        `<td data-sort="${sortKey(p.params)}">${formatCount(p.params)}</td>`,
        ...p.objectives.map((v) => `<td data-sort="${sortKey(v)}">${v.toFixed(3)}</td>`),
      ];
      return `<tr class="member${p.hash === s.hash ? ' selected' : ''}" data-hash="${esc(p.hash)}" title="${esc(p.genotype)}">${cells.join('')}</tr>`;
    })
    .join('\n');
  const drawingTemplates = drawings
    .map(
      (x) =>
        `<template data-hash="${esc(x.hash)}"><img alt="architecture ${esc(x.hash.slice(0, 8))}" src="${dataUri(x.svg)}"></template>`,
    )
    .join('\n');
  const pick = d.pareto.find((p) => p.hash === s.hash);
  const trainingSections = figures.trainings
    .map(({ training: t, svg }) => {
      const compare = [t, ...baselines]
        .map(
          (r) =>
            `<tr${r === t ? ' class="selected"' : ''}><td>${esc(r.label)}</td><td>${esc(r.id)}</td><td>${r.epochs ?? '-'}</td><td>${metric(r.test?.acc)}</td><td>${metric(r.test?.auc)}</td><td>${formatCount(r.params)}</td><td>${formatCount(r.flops)}</td></tr>`,
        )
        .join('\n');
      return `<section class="training"><h3>Training ${esc(t.id)} (${esc(t.state)})</h3>
${svg ? `<img class="figure" alt="training curves ${esc(t.id)}" src="${dataUri(svg)}">` : '<p>No epoch finished yet.</p>'}
<table class="compare"><tr><th>model</th><th>training</th><th>epochs</th><th>test ACC</th><th>test AUC</th><th>params</th><th>FLOPs</th></tr>
${compare}
</table>${baselines.length === 0 ? `<p>No ResNet baseline on ${esc(c.dataset)} in the trainings folder (<code>mstf train --model resnet18 --dataset ${esc(c.dataset)}</code>).</p>` : ''}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mstf search ${esc(d.searchId)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:1200px;margin:1.5em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
img.figure{max-width:100%;height:auto;display:block;margin:.5em 0}
table{border-collapse:collapse;font-size:.9em}td,th{padding:3px 9px;text-align:right;border-bottom:1px solid #eee}th{cursor:pointer;background:#f4f4f4;user-select:none}
#pareto tr.member{cursor:pointer}#pareto tr.member:hover{background:#eef4ff}tr.selected{background:#fff3c4}tr.active{outline:2px solid #3b6fd0}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dt{font-weight:bold}dd{margin:0}
pre{background:#f6f6f6;padding:8px;overflow:auto}#drawing img{max-width:100%;height:auto;border:1px solid #ddd}
</style></head><body>
<h1>mstf search ${esc(d.searchId)}</h1>
<h2>Configuration</h2>
<dl>
<dt>dataset</dt><dd>${esc(c.dataset)}</dd>
<dt>search space</dt><dd>${esc(c.space)} (C0 = ${c.channels})</dd>
<dt>indicators</dt><dd>${esc(c.indicators.join(' + '))}, objective ${esc(c.objective)}</dd>
<dt>optimizer</dt><dd>${esc(c.optimizer)}: population ${c.population}, offspring ${c.offspring}, ${c.generations} generations</dd>
<dt>seed, preset</dt><dd>${c.seed}, ${esc(c.preset)}</dd>
<dt>status</dt><dd>${esc(d.status)}, ${d.evaluated} candidates evaluated, started ${esc(d.createdAt)}${d.finishedAt ? `, finished ${esc(d.finishedAt)}` : ''}</dd>
</dl>
<h2>Pareto fronts by generation (Fig. 5)</h2>
<p>Raw FLOPs against each indicator. Grey: every evaluated candidate; coloured: the first Pareto front (in objective space, normalised over all generations) of the plotted generations; red diamond: the selected architecture.</p>
<img id="fig-fronts" class="figure" alt="Pareto fronts by generation" src="${dataUri(figures.fronts)}">
<h2>Hypervolume per generation</h2>
<img id="fig-hypervolume" class="figure" alt="hypervolume per generation" src="${dataUri(figures.hypervolume)}">
<h2>Final Pareto front</h2>
<p>${d.pareto.length} architecture(s) in the last population's front; &#9733; marks the selected one (highest normalised p1 + p2). Click a column to sort, a row to see its drawing.</p>
<table id="pareto"><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Architecture <span id="drawing-hash">${esc(s.hash.slice(0, 12))}</span></h2>
<p id="drawing-caption">Genotype <code>${esc(s.genotype)}</code>${pick ? `, FLOPs ${formatCount(pick.flops)}, params ${formatCount(pick.params)}` : ''}.</p>
<div id="drawing"></div>
<details><summary>Description of the selected architecture</summary><pre>${esc(summary)}</pre></details>
${drawingTemplates}
<h2>Trainings of this search</h2>
${trainingSections || `<p>No training of this search in the trainings folder; train the pick with <code>mstf train --run ${esc(d.searchId)}</code>.</p>`}
<script>
(function () {
  var table = document.getElementById('pareto');
  var body = table.tBodies[0];
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.addEventListener('click', function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (o) { o.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-sort'), y = b.cells[col].getAttribute('data-sort');
        if (x === '' || y === '') return x === y ? 0 : x === '' ? 1 : -1;
        var nx = Number(x), ny = Number(y);
        var r = isNaN(nx) || isNaN(ny) ? (x < y ? -1 : x > y ? 1 : 0) : nx - ny;
        return asc ? r : -r;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  function show(row) {
    var hash = row.getAttribute('data-hash');
    var t = document.querySelector('template[data-hash="' + hash + '"]');
    var target = document.getElementById('drawing');
    target.replaceChildren(t.content.cloneNode(true));
    document.getElementById('drawing-hash').textContent = hash.slice(0, 12);
    document.getElementById('drawing-caption').replaceChildren('Genotype ', Object.assign(document.createElement('code'), { textContent: row.title }));
    Array.prototype.forEach.call(body.rows, function (r) { r.classList.toggle('active', r === row); });
  }
  Array.prototype.forEach.call(body.rows, function (row) { row.addEventListener('click', function () { show(row); }); });
  var first = body.querySelector('tr.selected') || body.rows[0];
  if (first) show(first);
})();
</script>
</body></html>
`;
}
