/**
 * synflow (Tanaka et al. 2020; zero-cost-nas `synflow`): with every parameter replaced by its absolute
 * value, batchnorm bypassed and an all-ones input of batch 1, R = sum of the outputs and
 * synflow = sum over conv/linear weights of |W * dR/dW|. The score is ln(synflow); details.log10 too.
 *
 * Raw synflow overflows float32 on real networks (1e30 and far beyond), so the forward pass is rescaled
 * (ForwardHooks): every conv/depthwise/dense/add output is divided by its maximum c (a constant for
 * differentiation) and ln c is added to the node's cumulative log-scale S; add/concat inputs are brought to
 * the largest scale of their inputs; biases are divided by their input's scale. Every op here is
 * positively homogeneous once biases are scaled with their input, so the rescaled network computes
 * R' = R / S_out and dR'/dW = dR/dW / S_out for every weight. Hence
 *   ln synflow = ln S_out + ln(sum |W * dR'/dW|),
 * where every rescaled quantity stays near 1. `rescale: false` computes the raw value (tests compare them).
 */
import {
  type ForwardHooks,
  type Indicator,
  type InputNode,
  type IRNode,
  type TensorApi,
  type tf,
  z,
} from '../../core/index.js';
import { disposeGradients, layerWeights, perItem, sum } from './common.js';

const optionsSchema = z.object({
  rescale: z
    .boolean()
    .default(true)
    .describe('overflow-free log-domain computation (false: raw float32, may overflow)'),
});
type SynflowOptions = z.infer<typeof optionsSchema>;

/** Nodes whose output can grow in magnitude; the others (relu, pools, gap, identity, zero) cannot. */
const RESCALED: ReadonlySet<IRNode['op']> = new Set(['conv', 'depthwise', 'dense', 'add']);

/** Hooks that keep every activation near 1 and record each node's cumulative natural-log scale. */
export function rescalingHooks(tf: TensorApi): { hooks: ForwardHooks; logScale: Map<string, number> } {
  const logScale = new Map<string, number>();
  const inputLog = new Map<string, number>();
  const logOfInputs = (node: IRNode): number =>
    node.op === 'input' ? 0 : (inputLog.get(node.id) ?? logScale.get(node.inputs[0]!)!);
  const hooks: ForwardHooks = {
    beforeNode(node, inputs) {
      if (inputs.length < 2) {
        inputLog.set(node.id, logScale.get(node.inputs[0]!)!);
        return inputs;
      }
      const logs = node.inputs.map((id) => logScale.get(id)!);
      const common = Math.max(...logs);
      inputLog.set(node.id, common);
      // Factors <= 1: a branch many orders below the others underflows to 0, where it is negligible anyway.
      return inputs.map((t, i) => (logs[i] === common ? t : tf.mul(t, Math.exp(logs[i]! - common))));
    },
    biasScale(node) {
      return Math.exp(-logOfInputs(node));
    },
    afterNode(node, output) {
      const inLog = logOfInputs(node);
      if (!RESCALED.has(node.op)) {
        logScale.set(node.id, inLog);
        return output;
      }
      const m = tf.tidy(() => tf.max(tf.abs(output)));
      const c = m.dataSync()[0]!;
      m.dispose();
      if (!(c > 0) || !Number.isFinite(c)) {
        logScale.set(node.id, inLog);
        return output;
      }
      logScale.set(node.id, inLog + Math.log(c));
      return tf.div(output, c);
    },
  };
  return { hooks, logScale };
}

export const synflow: Indicator<SynflowOptions> = {
  kind: 'indicator',
  id: 'synflow',
  description: 'ln of sum |W * dR/dW| with |params|, no batchnorm, all-ones input (SynFlow, overflow-free log domain)',
  needs: { data: false, labels: false, backward: true },
  optionsSchema,
  score(ctx, options) {
    const rescale = options?.rescale ?? true;
    const net = ctx.net;
    const { tf } = ctx.engine;
    const inputShape = (ctx.ir.nodes[0] as InputNode).shape;
    const names = layerWeights(net).map((p) => p.name);
    const absParams = new Map<string, tf.Tensor>();
    for (const p of net.paramInfo) {
      if (p.role === 'weight' || p.role === 'bias') absParams.set(p.name, tf.abs(net.params.get(p.name)!));
    }
    const x = tf.ones([1, ...inputShape]);
    const { hooks, logScale } = rescalingHooks(tf);
    try {
      const g = net.gradients((out) => tf.sum(out.output), x, {
        bypassBatchNorm: true,
        params: absParams,
        wrtParams: names,
        ...(rescale ? { hooks } : {}),
      });
      let scaledSum: number;
      try {
        scaledSum = sum(
          perItem(tf, names, (n) => tf.sum(tf.abs(tf.mul(absParams.get(n)!, g.params.get(n)!))) as tf.Scalar),
        );
      } finally {
        disposeGradients(g);
      }
      const logOut = rescale ? (logScale.get(ctx.ir.output) ?? 0) : 0;
      const ln = logOut + Math.log(scaledSum);
      return { score: ln, details: { log10: ln / Math.LN10, outputLogScale: logOut, layers: names.length } };
    } finally {
      x.dispose();
      tf.dispose([...absParams.values()]);
    }
  },
};
