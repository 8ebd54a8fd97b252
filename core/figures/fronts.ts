/**
 * The paper's Fig. 5 for one search, in raw units: FLOPs (millions of multiply-accumulates) on x against
 * each indicator on y, one panel per indicator. Every evaluated candidate is a faint grey dot; the first
 * Pareto front (in the search's objective space) of each plotted generation is drawn in that
 * generation's colour and joined by a dotted line; the selected architecture is a red diamond with a label.
 */
import type { TopLevelSpec } from 'vega-lite';
import { vegaLiteToSvg } from './render.js';

export interface FrontsPoint {
  generation: number;
  hash: string;
  flops: number;
  scores: Record<string, number | null>;
}

export interface FrontsFigureInput {
  title: string;
  indicators: string[];
  /** Every evaluated candidate that got its scores. */
  candidates: FrontsPoint[];
  /** First fronts of the plotted generations (FrontsPoint.generation says which). */
  fronts: FrontsPoint[];
  selected: FrontsPoint & { label: string };
}

const PANEL = { width: 300, height: 260 };

/** Rows for Vega: one per point and indicator, non-finite scores left out (they cannot be placed). */
function rows(
  points: FrontsPoint[],
  indicator: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown>[] {
  return points
    .filter(
      (p) =>
        Number.isFinite(p.flops) && typeof p.scores[indicator] === 'number' && Number.isFinite(p.scores[indicator]),
    )
    .map((p) => ({
      generation: p.generation,
      hash: p.hash.slice(0, 8),
      mflops: p.flops / 1e6,
      score: p.scores[indicator],
      ...extra,
    }));
}

export function frontsSpec(input: FrontsFigureInput): TopLevelSpec {
  const x = {
    field: 'mflops',
    type: 'quantitative',
    title: 'FLOPs (M multiply-accumulates)',
    scale: { zero: false },
  } as const;
  const panels = input.indicators.map((indicator) => {
    const y = { field: 'score', type: 'quantitative', title: indicator, scale: { zero: false } } as const;
    return {
      width: PANEL.width,
      height: PANEL.height,
      layer: [
        {
          data: { values: rows(input.candidates, indicator) },
          mark: { type: 'circle', size: 14, color: '#9a9a9a', opacity: 0.35 },
          encoding: {
            x,
            y,
            tooltip: [
              { field: 'hash' },
              { field: 'generation' },
              { field: 'mflops', format: '.2f' },
              { field: 'score', format: '.4g' },
            ],
          },
        },
        {
          data: { values: rows(input.fronts, indicator) },
          mark: {
            type: 'line',
            strokeDash: [4, 3],
            strokeWidth: 1.2,
            strokeOpacity: 0.75,
            point: { filled: true, size: 36 },
          },
          encoding: {
            x,
            y,
            order: { field: 'mflops', type: 'quantitative' },
            color: { field: 'generation', type: 'ordinal', title: 'generation', scale: { scheme: 'viridis' } },
          },
        },
        {
          data: { values: rows([input.selected], indicator, { label: input.selected.label }) },
          layer: [
            {
              mark: {
                type: 'point',
                shape: 'diamond',
                size: 220,
                filled: true,
                color: '#d62728',
                stroke: 'black',
                strokeWidth: 1,
              },
            },
            {
              mark: {
                type: 'text',
                align: 'left',
                dx: 10,
                dy: -10,
                fontWeight: 'bold',
                fontSize: 11,
                color: '#b01c1c',
              },
              encoding: { text: { field: 'label' } },
            },
          ],
          encoding: { x, y },
        },
      ],
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: input.title,
      subtitle: 'grey: every evaluated candidate; lines: first Pareto front per generation; red diamond: selected',
    },
    hconcat: panels,
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec;
}

export function frontsSvg(input: FrontsFigureInput): Promise<string> {
  return vegaLiteToSvg(frontsSpec(input));
}
