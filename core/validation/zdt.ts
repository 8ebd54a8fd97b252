import { MstfError } from '../errors.js';
import type { Optimizer, Problem, Evaluated } from '../contracts/optimizer.js';
import type { Genotype } from '../contracts/search-space.js';
import { hypervolume } from '../pareto/hypervolume.js';
import { igd } from '../pareto/igd.js';
import { paretoFront } from '../pareto/select.js';

/**
 * The ZDT1-3 benchmark problems (Zitzler, Deb, Thiele 2000): n real variables in [0, 1], two objectives,
 * minimised. They validate a multi-objective optimizer against known Pareto fronts
 * (`mstf validate optimizer`).
 */
export const ZDT_NAMES = ['zdt1', 'zdt2', 'zdt3'] as const;
export type ZdtName = (typeof ZDT_NAMES)[number];

/** Reference point of the published hypervolumes (0.8767, 0.5433, 1.3318 for ZDT1-3). */
export const ZDT_REFERENCE_POINT: readonly [number, number] = [1.1, 1.1];

export function isZdtName(name: string): name is ZdtName {
  return (ZDT_NAMES as readonly string[]).includes(name);
}

/** Objectives of x (every x_i in [0, 1]). */
export function zdtEvaluate(name: ZdtName, x: readonly number[]): [number, number] {
  const f1 = x[0]!;
  let rest = 0;
  for (let i = 1; i < x.length; i++) rest += x[i]!;
  const g = 1 + (9 * rest) / (x.length - 1);
  return [f1, g * zdtShape(name, f1, g)];
}

/** h(f1, g): the shape of each problem's front (reached at g = 1). */
function zdtShape(name: ZdtName, f1: number, g: number): number {
  const r = f1 / g;
  switch (name) {
    case 'zdt1':
      return 1 - Math.sqrt(r);
    case 'zdt2':
      return 1 - r * r;
    case 'zdt3':
      return 1 - Math.sqrt(r) - r * Math.sin(10 * Math.PI * f1);
  }
}

/** The ZDT problem as an optimizer Problem: nVar real variables in [0, 1], sampled uniformly. */
export function zdtProblem(name: ZdtName, nVar = 30): Problem {
  if (!Number.isInteger(nVar) || nVar < 2) {
    throw new MstfError('INVALID_ARGUMENT', `${name}: needs at least 2 variables, got ${nVar}`);
  }
  return {
    bounds: Array.from({ length: nVar }, (_, i) => ({ name: `x${i + 1}`, low: 0, high: 1 })),
    types: new Array(nVar).fill('real'),
    nObjectives: 2,
    sample: (rng) => Array.from({ length: nVar }, () => rng.next()),
  };
}

/**
 * The true Pareto front, sampled at `samples` equally spaced f1 values in [0, 1] (g = 1), keeping only the
 * non-dominated points (ZDT3's front is five disconnected pieces). Sorted by f1.
 */
export function zdtTrueFront(name: ZdtName, samples = 100_001): [number, number][] {
  const pts: [number, number][] = [];
  for (let i = 0; i < samples; i++) {
    const f1 = i / (samples - 1);
    pts.push([f1, zdtShape(name, f1, 1)]);
  }
  // Sorted by f1 already: a point is non-dominated when its f2 is below every f2 to its left.
  const front: [number, number][] = [];
  let bestF2 = Infinity;
  for (const p of pts) {
    if (p[1] < bestF2) {
      front.push(p);
      bestF2 = p[1];
    }
  }
  return front;
}

export interface ZdtRunOptions {
  problem: ZdtName;
  /** The optimizer extension (e.g. the registered `nsga2`) and its options (population, offspring...). */
  optimizer: Optimizer<any>;
  optimizerOptions: Record<string, unknown>;
  generations: number;
  seed: number;
  nVar?: number;
  /** Called after every tell: generation 0 is the initial population. */
  onProgress?: (p: { generation: number; generations: number; hypervolume: number }) => void;
}

export interface ZdtRunResult {
  problem: ZdtName;
  generations: number;
  seed: number;
  evaluations: number;
  hypervolume: number;
  trueHypervolume: number;
  ratio: number;
  igd: number;
  /** The final population's non-dominated objective vectors. */
  front: number[][];
}

/**
 * Run an ask/tell optimizer on a ZDT problem for `generations` offspring generations after the initial
 * population; score the final population's front by hypervolume (reference 1.1, 1.1) and IGD against the
 * sampled true front.
 */
export function runZdt(opts: ZdtRunOptions): ZdtRunResult {
  const { problem: name, generations, seed } = opts;
  if (!Number.isInteger(generations) || generations < 0) {
    throw new MstfError('INVALID_ARGUMENT', `generations must be a non-negative integer, got ${generations}`);
  }
  const problem = zdtProblem(name, opts.nVar ?? 30);
  const instance = opts.optimizer.create(problem, opts.optimizerOptions, seed);
  const evaluate = (x: Genotype): Evaluated => ({ x, F: zdtEvaluate(name, x) });
  let evaluations = 0;
  let population: Evaluated[] = [];
  for (let gen = 0; gen <= generations; gen++) {
    const asked = instance.ask().map(evaluate);
    evaluations += asked.length;
    instance.tell([...population, ...asked]);
    population = instance.population();
    opts.onProgress?.({ generation: gen, generations, hypervolume: frontHypervolume(population) });
  }
  const front = paretoFront(population).map((i) => [...population[i]!.F]);
  const trueFront = zdtTrueFront(name);
  const hv = hypervolume(front, ZDT_REFERENCE_POINT);
  const trueHv = hypervolume(trueFront, ZDT_REFERENCE_POINT);
  return {
    problem: name,
    generations,
    seed,
    evaluations,
    hypervolume: hv,
    trueHypervolume: trueHv,
    ratio: hv / trueHv,
    igd: igd(front, trueFront),
    front,
  };
}

function frontHypervolume(population: readonly Evaluated[]): number {
  return hypervolume(
    population.map((p) => p.F),
    ZDT_REFERENCE_POINT,
  );
}
