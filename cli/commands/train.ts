import { Flags } from '@oclif/core';
import { MstfCommand } from '../base.js';
import { MstfError } from '../../core/errors.js';
import { modelIds } from '../../core/models/index.js';
import { TrainingService, type TrainingRequest } from '../../core/training/service.js';
import type { ModelSpec } from '../../core/training/model-source.js';
import type { TrainingEvent } from '../../core/training/trainer.js';
import { memberFlags, memberSelector } from './arch/show.js';

const fmt = (v: number | null | undefined, digits = 4) =>
  v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(digits);

export default class Train extends MstfCommand<typeof Train> {
  static override description =
    'Train and evaluate an architecture with the official MedMNIST protocol (Adam, lr x0.1 at 50%/75% of the epochs, best-validation-AUC model, test ACC/AUC)';
  static override examples = [
    '<%= config.bin %> train --model resnet18 --dataset breastmnist --epochs 10 --json',
    '<%= config.bin %> train --genotype "0,0,1,1,...,3" --space mstf --channels 16 --dataset pneumoniamnist',
    '<%= config.bin %> train --run <searchId> --epochs 100',
    '<%= config.bin %> train --run <searchId> --rank 2 --epochs 100',
    '<%= config.bin %> train --model resnet18 --dataset breastmnist --out runs/r18 --resume',
  ];
  static override flags = {
    genotype: Flags.string({
      description: 'genotype text of --space (e.g. 42 comma-separated integers for mstf)',
      exclusive: ['run', 'model'],
    }),
    space: Flags.string({ description: 'search space of --genotype', default: 'mstf' }),
    run: Flags.string({
      description:
        'train the selected architecture of this search (its space, channels, blocks, dataset), or the one --member / --rank names',
      exclusive: ['genotype', 'model'],
    }),
    member: memberFlags.member,
    rank: memberFlags.rank,
    model: Flags.string({
      description: `a fixed model: ${modelIds().join(', ')}`,
      options: modelIds(),
      exclusive: ['genotype', 'run'],
    }),
    dataset: Flags.string({ description: "dataset id (mstf datasets list); default with --run: the search's dataset" }),
    epochs: Flags.integer({ description: 'epochs', default: 100, min: 1 }),
    'batch-size': Flags.integer({ description: 'mini-batch size', default: 128, min: 1 }),
    lr: Flags.string({ description: 'initial learning rate (Adam)', default: '0.001' }),
    channels: Flags.integer({
      description: "initial channels C0 of a searched architecture (default: the space default, or the search's)",
      min: 1,
    }),
    blocks: Flags.integer({ description: 'blocks of a searched architecture (default: the space default)', min: 1 }),
    seed: Flags.integer({ description: 'seed of the initialisation and the batch order', default: 0, min: 0 }),
    size: Flags.integer({ description: "image size (default: the dataset's smallest, or the search's)", min: 1 }),
    out: Flags.string({ description: 'output directory (default .mstf/trainings/<id>)' }),
    predictions: Flags.string({
      description: 'write one CSV row per test image: index, label(s), class probabilities',
    }),
    resume: Flags.boolean({ description: 'continue the training in --out from its last checkpoint', default: false }),
    'max-train': Flags.integer({
      description: 'quick check: train on a seeded random subset of N training images',
      min: 1,
    }),
    'micro-batch': Flags.string({
      description:
        "examples per forward/backward pass, gradients accumulated over the batch: N, or auto (the largest that fits the backend's memory)",
      default: 'auto',
    }),
    'max-eval': Flags.integer({
      description: 'quick check: validate and test on the first N images of each split',
      min: 1,
    }),
    json: Flags.boolean({
      description: 'JSON lines: one per epoch, the last one with the final metrics',
      default: false,
    }),
  };

  private outDir = '';

  async run(): Promise<void> {
    const f = this.flags;
    if (f.model && (f.channels !== undefined || f.blocks !== undefined)) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `--channels and --blocks apply to searched architectures, not to --model ${f.model}`,
      );
    }
    if (f.run && f.blocks !== undefined)
      throw new MstfError(
        'INVALID_ARGUMENT',
        '--blocks comes from the search with --run (it fixes the genotype length)',
      );
    let model: ModelSpec;
    if (f.model) model = { kind: 'model', model: f.model };
    else if (f.run) {
      const member = memberSelector(f);
      model = {
        kind: 'run',
        searchId: f.run,
        ...(f.channels ? { channels: f.channels } : {}),
        ...(Object.keys(member).length > 0 ? { member } : {}),
      };
    } else if (f.genotype)
      model = { kind: 'genotype', genotype: f.genotype, space: f.space, channels: f.channels, blocks: f.blocks };
    else
      throw new MstfError(
        'INVALID_ARGUMENT',
        'say what to train: --genotype "<g>" [--space mstf], --run <searchId> or --model resnet18',
      );
    const lr = Number(f.lr);
    if (!(lr > 0)) throw new MstfError('INVALID_ARGUMENT', `--lr must be a positive number, got "${f.lr}"`);
    const request: TrainingRequest = { model, epochs: f.epochs, batchSize: f['batch-size'], lr, seed: f.seed };
    if (f.dataset) request.dataset = f.dataset;
    if (f.size) request.size = f.size;
    if (f.out) request.outDir = f.out;
    if (f.predictions) request.predictionsFile = f.predictions;
    if (f.resume) request.resume = true;
    if (f['max-train']) request.maxTrain = f['max-train'];
    if (f['max-eval']) request.maxEval = f['max-eval'];
    const micro = f['micro-batch'].trim().toLowerCase();
    if (micro !== 'auto' && !/^[1-9][0-9]*$/.test(micro)) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `--micro-batch must be a positive integer or auto, got "${f['micro-batch']}"`,
      );
    }
    request.microBatch = micro === 'auto' ? 'auto' : Number(micro);

    // SIGINT / SIGTERM: the trainer checkpoints after the current batch and marks the training cancelled.
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const tty = !f.json && process.stderr.isTTY;
    try {
      const metrics = await (await this.kernel()).resolve(TrainingService).run(request, {
        signal: controller.signal,
        onReady: (h) => {
          this.outDir = h.outDir;
          if (!f.json) process.stderr.write(`training ${h.id} -> ${h.outDir} (backend ${h.backend})\n`);
        },
        onEvent: (e) => this.render(e, f.json, tty),
      });
      if (!metrics) process.exitCode = 130;
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  }

  private render(e: TrainingEvent, json: boolean, tty: boolean): void {
    if (json) {
      if (e.type === 'step') return;
      if (e.type === 'done') {
        const { history: _h, ...m } = e.metrics;
        this.printJson({ type: 'done', state: e.state, ...m });
        return;
      }
      this.printJson(e);
      return;
    }
    switch (e.type) {
      case 'start':
        process.stderr.write(
          `${e.train} train / ${e.val} val / ${e.test} test images, ${e.stepsPerEpoch} steps per epoch` +
            (e.startEpoch > 0 || e.startStep > 0 ? `, resuming at epoch ${e.startEpoch + 1} step ${e.startStep}` : '') +
            `; micro-batch ${e.memory.microBatch} (${e.memory.microBatches} per batch of ${e.memory.batchSize}): ${e.memory.reason}\n`,
        );
        return;
      case 'step':
        if (tty) process.stderr.write(`\repoch ${e.epoch + 1}: step ${e.step}/${e.steps} loss ${fmt(e.loss)}   `);
        return;
      case 'epoch':
        process.stderr.write(
          `${tty ? '\r' : ''}epoch ${e.epoch + 1}/${e.epochs} lr ${e.lr.toExponential(1)} train loss ${fmt(e.trainLoss)} ` +
            `val loss ${fmt(e.val.loss)} acc ${fmt(e.val.acc)} auc ${fmt(e.val.auc)}${e.best ? ' *' : ''} ` +
            `(${e.seconds.toFixed(1)} s, eta ${e.etaSeconds} s)\n`,
        );
        return;
      case 'cancelled':
        process.stderr.write(
          `\ncancelled at epoch ${e.epoch + 1} step ${e.step}: checkpoint written; continue with --resume --out <dir>\n`,
        );
        return;
      case 'done': {
        const m = e.metrics;
        this.log(
          `test ACC ${fmt(m.test.acc)} AUC ${fmt(m.test.auc)} (best val AUC ${fmt(m.bestValAuc)} at epoch ${m.bestEpoch + 1}); ` +
            `${m.wallSeconds.toFixed(0)} s; model and metrics.json in ${this.outDir}`,
        );
        return;
      }
    }
  }
}
