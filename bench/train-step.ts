/**
 * `npm run bench -- train-step [batch] [backend]`: seconds per training step (forward + backward + Adam) and
 * per evaluation forward, for ResNet-18 / ResNet-50 (MedMNIST 28x28 form) and an MSTF network at C0 = 16,
 * on 28x28x1 inputs, 2 classes. Prints one JSON line per model.
 */
import 'reflect-metadata';
import { ensureBackend } from '../core/engine/backend.js';
import { compileNetwork } from '../core/engine/compile.js';
import { tf } from '../core/engine/tf.js';
import { networkCost } from '../core/ir/cost.js';
import { resnetIR } from '../core/models/resnet.js';
import { classificationLoss, createTrainingOptimizer } from '../core/training/optimizer.js';
import { mstfSpace } from '../plugins/space-mstf/space.js';
import type { NetworkIR } from '../core/ir/types.js';

const batch = Number(process.argv[3] ?? 32);
const backend = await ensureBackend(process.argv[4]);
const ctx = { inputShape: [28, 28, 1] as [number, number, number], classes: 2 };
// The architecture the quick BreastMNIST search of docs/results.md selected.
const MSTF = '1,0,1,1,0,2,1,1,0,0,5,2,3,3,1,0,0,0,3,0,0,2,4,1,4,1,0,3,1,0,6,1,2,1,0,1,4,0,5,1,4,5';
const models: [string, NetworkIR][] = [
  ['mstf-c16', (() => { const s = mstfSpace.create(ctx, { blocks: 3, channels: 16 }); return s.decode(s.parse(MSTF)); })()],
  ['resnet18', resnetIR('resnet18', ctx)],
  ['resnet50', resnetIR('resnet50', ctx)],
];
for (const [name, ir] of models) {
  const net = compileNetwork(ir, { seed: 0 });
  const opt = createTrainingOptimizer(net);
  const x = tf.randomNormal([batch, 28, 28, 1]);
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 2);
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const target = classificationLoss('binary-class', 2, labels, batch);
    const g = net.gradients((o) => target.loss(o.output), x, { training: true, updateStats: true });
    opt.apply(g.params, 1e-3);
    tf.dispose([...g.params.values()]);
    target.dispose();
    if (i > 0) times.push((performance.now() - t0) / 1000); // the first step warms up
  }
  const t0 = performance.now();
  const out = net.forward(x, { training: false });
  out.output.dataSync();
  const evalSeconds = (performance.now() - t0) / 1000;
  tf.dispose([x, out.output]);
  opt.dispose();
  net.dispose();
  times.sort((a, b) => a - b);
  const { flops, params } = networkCost(ir);
  console.log(JSON.stringify({ model: name, backend: backend.name, batch, params, macs: flops, stepSecondsMedian: times[1], stepSeconds: times, evalForwardSeconds: evalSeconds }));
}
