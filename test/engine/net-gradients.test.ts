/** The whole benchmark net (small): wasm gradients agree with cpu and with finite differences. */
import { describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { compileNetwork } from '../../plugins/engine-tfjs/compile.js';
import { benchmarkNetIR } from '../../core/ir/benchmark-net.js';
import { softmaxCrossEntropy } from '../../plugins/engine-tfjs/losses.js';
import type { Network } from '../../core/contracts/engine.js';
import { maxAbs, randomArray, relError, useBackend } from './helpers.js';

const IR = benchmarkNetIR({ channels: 4, size: 8, classes: 3 });
const X: [number, number, number, number] = [4, 8, 8, 1];
const xData = randomArray(4 * 64, 31, 2);
const labelData = [0, 1, 2, 1];

function setup(): { net: Network; x: tf.Tensor; loss: (o: { output: tf.Tensor }) => tf.Scalar; dispose: () => void } {
  const net = compileNetwork(IR, { seed: 12 });
  const x = tf.tensor4d(xData, X);
  const labels = tf.tensor1d(labelData, 'int32');
  return {
    net,
    x,
    loss: (o) => softmaxCrossEntropy(o.output, labels),
    dispose: () => {
      tf.dispose([x, labels]);
      net.dispose();
    },
  };
}

describe('benchmark net gradients', () => {
  it('every parameter gradient on wasm agrees with cpu (1e-3) and with finite differences', async () => {
    await useBackend('cpu');
    const cpu = setup();
    const ref = cpu.net.gradients(cpu.loss, cpu.x, { training: true, wrtInput: true });
    const refData = new Map([...ref.params].map(([k, v]) => [k, v.dataSync().slice()]));
    // Central differences on cpu (float32, step 1e-2) for the output layer, where the loss is smooth. Inner
    // layers of this tiny net (4 channels, 64 values per batchnorm channel after pooling) cross relu/max
    // kinks within any float32-resolvable step: the estimate for stem/weight moves 4e-2 -> 1.4e-2 -> 6e-3
    // relative at steps 1e-2, 3e-3, 1e-3, converging on the analytic value. Their ops are checked one by
    // one against differences in op-gradients.test.ts, and here against the cpu backend.
    const fd: { name: string; index: number; value: number }[] = [];
    for (const name of ['fc/weight', 'fc/bias']) {
      const w = cpu.net.params.get(name)!;
      const base = w.dataSync().slice();
      for (const index of [1, Math.floor(base.length / 2)]) {
        const at = (delta: number): number => {
          const v = base.slice();
          v[index]! += delta;
          const t = tf.tensor(v, w.shape);
          const l = tf.tidy(
            () => cpu.loss(cpu.net.forward(cpu.x, { training: true, params: new Map([[name, t]]) })).dataSync()[0]!,
          );
          t.dispose();
          return l;
        };
        fd.push({ name, index, value: (at(1e-2) - at(-1e-2)) / 2e-2 });
      }
    }
    const refInput = ref.input!.dataSync().slice();
    tf.dispose([...ref.params.values(), ref.input!]);
    cpu.dispose();

    await useBackend('wasm');
    const wasm = setup();
    const got = wasm.net.gradients(wasm.loss, wasm.x, { training: true, wrtInput: true });
    expect(got.value).toBeCloseTo(ref.value, 5);
    expect(got.params.size).toBe(IR.nodes.filter((n) => n.op === 'batchnorm').length * 2 + 7 + 6 + 1 + 1);
    for (const [name, r] of refData) {
      expect(maxAbs(r), name).toBeGreaterThan(0);
      expect(relError(got.params.get(name)!.dataSync(), r), name).toBeLessThanOrEqual(1e-3);
    }
    expect(relError(got.input!.dataSync(), refInput)).toBeLessThanOrEqual(1e-3);
    for (const p of fd) {
      const g = got.params.get(p.name)!.dataSync();
      expect(Math.abs(g[p.index]! - p.value) / maxAbs(g), `${p.name}[${p.index}]`).toBeLessThanOrEqual(1e-3);
    }
    tf.dispose([...got.params.values(), got.input!]);
    wasm.dispose();
  });
});
