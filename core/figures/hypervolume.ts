/**
 * Hypervolume of each generation's first front, in the search's objective space normalised over the
 * whole search (see hypervolumeByGeneration in core/search/report.ts for the reference point).
 */
import type { TopLevelSpec } from 'vega-lite';
import { vegaLiteToSvg } from './render.js';

export interface HypervolumeFigureInput {
  title: string;
  points: { generation: number; hypervolume: number }[];
}

export function hypervolumeSpec(input: HypervolumeFigureInput): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: input.title,
      subtitle: 'objectives normalised to [0, 1] over all generations; reference point (1.1, 1.1)',
    },
    width: 420,
    height: 240,
    data: { values: input.points },
    mark: { type: 'line', point: { filled: true, size: 40 }, color: '#3b528b' },
    encoding: {
      x: { field: 'generation', type: 'quantitative', title: 'generation', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'hypervolume', type: 'quantitative', title: 'hypervolume', scale: { zero: false } },
      tooltip: [{ field: 'generation' }, { field: 'hypervolume', format: '.4f' }],
    },
  } as unknown as TopLevelSpec;
}

export function hypervolumeSvg(input: HypervolumeFigureInput): Promise<string> {
  return vegaLiteToSvg(hypervolumeSpec(input));
}
