/**
 * Training curves of one training directory (metrics.json, or the checkpoint of an unfinished one):
 * train and validation loss, validation ACC and AUC per epoch, with a vertical rule wherever the
 * learning rate steps (MultiStepLR milestones).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { EpochRecord } from '../training/checkpoint.js';
import { vegaLiteToSvg } from './render.js';

export interface TrainingCurvesInput {
  title: string;
  history: EpochRecord[];
}

/** Epochs (1-based, as printed) whose learning rate differs from the previous epoch's. */
export function lrSteps(history: EpochRecord[]): { epoch: number; lr: number; label: string }[] {
  const out: { epoch: number; lr: number; label: string }[] = [];
  for (let i = 1; i < history.length; i++) {
    if (history[i]!.lr !== history[i - 1]!.lr) {
      const lr = history[i]!.lr;
      out.push({ epoch: history[i]!.epoch + 1, lr, label: `lr ${Number(lr.toPrecision(3)).toExponential()}` });
    }
  }
  return out;
}

export function trainingCurvesSpec(input: TrainingCurvesInput): TopLevelSpec {
  const h = input.history;
  const loss = h.flatMap((r) => [
    { epoch: r.epoch + 1, series: 'train loss', value: r.trainLoss },
    { epoch: r.epoch + 1, series: 'val loss', value: r.val.loss },
  ]);
  const quality = h.flatMap((r) => [
    { epoch: r.epoch + 1, series: 'val ACC', value: r.val.acc },
    { epoch: r.epoch + 1, series: 'val AUC', value: r.val.auc },
  ]);
  const steps = lrSteps(h);
  const x = {
    field: 'epoch',
    type: 'quantitative',
    title: 'epoch',
    axis: { tickMinStep: 1, format: 'd' },
    scale: { domainMin: 1 },
  } as const;
  const rules = [
    {
      data: { values: steps },
      mark: { type: 'rule', color: '#888', strokeDash: [2, 2] },
      encoding: { x: { field: 'epoch', type: 'quantitative' } },
    },
    {
      data: { values: steps },
      mark: {
        type: 'text',
        angle: 270,
        align: 'right',
        baseline: 'bottom',
        dx: -4,
        dy: -2,
        fontSize: 10,
        color: '#555',
      },
      encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
    },
  ];
  const panel = (values: Record<string, unknown>[], title: string, colours: string[], domain?: [number, number]) => ({
    width: 300,
    height: 220,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: { filled: true, size: 25 } },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title, scale: domain ? { domain } : { zero: false } },
          color: { field: 'series', type: 'nominal', title: null, scale: { range: colours } },
        },
      },
      ...rules,
    ],
    resolve: { scale: { color: 'independent' } },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: input.title, subtitle: 'dotted rules: learning-rate steps' },
    hconcat: [
      panel(loss, 'loss', ['#1f77b4', '#ff7f0e']),
      panel(quality, 'validation ACC / AUC', ['#2ca02c', '#9467bd'], [0, 1]),
    ],
    resolve: { scale: { color: 'independent' } },
  } as unknown as TopLevelSpec;
}

export function trainingCurvesSvg(input: TrainingCurvesInput): Promise<string> {
  return vegaLiteToSvg(trainingCurvesSpec(input));
}
