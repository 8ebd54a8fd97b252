import { z, MstfError, type ObjectiveBuilder, type ObjectiveResult, type RawScores } from '../../core/index.js';
import { normaliseColumn } from './normalise.js';

/** The FLOPs score (lower is better); every other score is a capability indicator (higher is better). */
export const FLOPS = 'flops';

const noOptions = z.strictObject({});
type NoOptions = z.output<typeof noOptions>;

interface FormSpec {
  id: string;
  description: string;
  /** How many indicators the form combines. */
  indicatorCount: number;
  usesFlops: boolean;
  /** Objectives (all minimised) from the normalised indicators p[0..] and normalised FLOPs. */
  objectives(p: number[], flops: number): number[];
}

/**
 * Builds an ObjectiveBuilder from a form: checks the indicator list, min-max normalises every indicator
 * (and FLOPs) over the pool with worst-value replacement of non-finite scores, and applies the form.
 */
function defineForm(spec: FormSpec): ObjectiveBuilder<NoOptions> {
  const check = (indicators: string[]): void => {
    const list = indicators.join(', ') || 'none';
    if (indicators.length !== spec.indicatorCount) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `objective ${spec.id} takes exactly ${spec.indicatorCount} indicator${spec.indicatorCount === 1 ? '' : 's'}, got ${indicators.length} (${list})`,
      );
    }
    if (new Set(indicators).size !== indicators.length) {
      throw new MstfError('INVALID_ARGUMENT', `objective ${spec.id}: an indicator is listed twice (${list})`);
    }
    if (indicators.some((i) => !i))
      throw new MstfError('INVALID_ARGUMENT', `objective ${spec.id}: empty indicator name`);
    if (spec.usesFlops && indicators.includes(FLOPS)) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `objective ${spec.id} adds FLOPs itself; do not list "flops" as an indicator`,
      );
    }
  };
  return {
    kind: 'objective',
    id: spec.id,
    description: spec.description,
    optionsSchema: noOptions,
    nObjectives(indicators) {
      check(indicators);
      return spec.objectives(
        indicators.map(() => 0),
        0,
      ).length;
    },
    requiredScores(indicators) {
      check(indicators);
      return spec.usesFlops ? [...indicators, FLOPS] : [...indicators];
    },
    build(pool: RawScores[], indicators: string[]): ObjectiveResult {
      check(indicators);
      const columns = indicators.map((name) => ({ name, ...normaliseColumn(pool, name, true) }));
      if (spec.usesFlops) columns.push({ name: FLOPS, ...normaliseColumn(pool, FLOPS, false) });
      const F: number[][] = [];
      const flagged: string[][] = [];
      const normalised: Record<string, number>[] = [];
      for (let row = 0; row < pool.length; row++) {
        const values: Record<string, number> = {};
        for (const c of columns) values[c.name] = c.values[row]!;
        const p = indicators.map((name) => values[name]!);
        F.push(spec.objectives(p, spec.usesFlops ? values[FLOPS]! : 0));
        flagged.push(columns.filter((c) => c.flagged[row]).map((c) => c.name));
        normalised.push(values);
      }
      return { F, flagged, normalised };
    },
  };
}

/** Eq. (5) of the paper: f1 = -p1 - flops, f2 = -p2 + flops (normalised over the pool). */
export const mstfEq5 = defineForm({
  id: 'mstf-eq5',
  description: 'MSTF-NAS Eq. (5): f1 = -p1 - flops, f2 = -p2 + flops, min-max normalised over the pool',
  indicatorCount: 2,
  usesFlops: true,
  objectives: ([p1, p2], flops) => [-p1! - flops, -p2! + flops],
});

/** Table IX "w/o FLOPs": the two indicators as two objectives. */
export const pair = defineForm({
  id: 'pair',
  description: 'Table IX ablation: (-p1, -p2), two indicators without FLOPs',
  indicatorCount: 2,
  usesFlops: false,
  objectives: ([p1, p2]) => [-p1!, -p2!],
});

/** Table IX "FLOPs + synflow" / "FLOPs + jacob_cov": FLOPs and one indicator. */
export const flopsSingle = defineForm({
  id: 'flops-single',
  description: 'Table IX ablation: (flops, -p) with one indicator',
  indicatorCount: 1,
  usesFlops: true,
  objectives: ([p], flops) => [flops, -p!],
});

/** Table IX "FLOPs + (synflow + jacob_cov)": FLOPs and the sum of two indicators. */
export const flopsSum = defineForm({
  id: 'flops-sum',
  description: 'Table IX ablation: (flops, -(p1 + p2))',
  indicatorCount: 2,
  usesFlops: true,
  objectives: ([p1, p2], flops) => [flops, -(p1! + p2!)],
});
