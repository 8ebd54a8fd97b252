/**
 * SpaceToBatchND and BatchToSpaceND for wasm as plain copies on the wasm heap (NHWC, two block dims).
 * The stock kernels pad, reshape to 6-D and transpose, which costs ~100x a copy (hundreds of ms per dilated
 * conv at batch 64). Every dilated conv goes through these two ops (layers.ts `atrous`) forward and backward
 * (each is the other's gradient). Pure data movement: results are bit-identical to the stock kernels.
 * Other ranks/block shapes fall back to the stock kernel.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';

type Pair = [number, number];
/** 2-D blocks only: `handles` sends every other case to the stock kernel. */
type Attrs = { blockShape: Pair; paddings?: [Pair, Pair]; crops?: [Pair, Pair] };

/**
 * Copy between a batch-folded tensor [bh*bw*N, Hs, Ws, C] and the space tensor [N, H, W, C] (offset by
 * top/left): folded[(i*bw + j)*N + b, y, x, :] <-> space[b, y*bh + i - top, x*bw + j - left, :], skipping
 * positions outside the space tensor (padding: written as 0 when folding; crops: ignored when unfolding).
 */
function copyFolded(
  space: Float32Array,
  folded: Float32Array,
  toFolded: boolean,
  [n, h, w, c]: readonly [number, number, number, number],
  [hs, ws]: Pair,
  [bh, bw]: Pair,
  top: number,
  left: number,
): void {
  for (let i = 0; i < bh; i++) {
    for (let j = 0; j < bw; j++) {
      for (let b = 0; b < n; b++) {
        const fb = ((i * bw + j) * n + b) * hs;
        for (let y = 0; y < hs; y++) {
          const sy = y * bh + i - top;
          const fRow = (fb + y) * ws * c;
          if (sy < 0 || sy >= h) {
            if (toFolded) folded.fill(0, fRow, fRow + ws * c);
            continue;
          }
          const sRow = (b * h + sy) * w;
          for (let x = 0; x < ws; x++) {
            const sx = x * bw + j - left;
            const f = fRow + x * c;
            if (sx < 0 || sx >= w) {
              if (toFolded) folded.fill(0, f, f + c);
              continue;
            }
            const s = (sRow + sx) * c;
            if (toFolded) for (let k = 0; k < c; k++) folded[f + k] = space[s + k]!;
            else for (let k = 0; k < c; k++) space[s + k] = folded[f + k]!;
          }
        }
      }
    }
  }
}

function handles(x: tf.TensorInfo, blockShape: number[]): boolean {
  return x.shape.length === 4 && blockShape.length === 2 && x.dtype === 'float32';
}

function withFallback(name: string, fast: tf.KernelFunc): tf.KernelConfig {
  const stock = tf.getKernel(name, 'wasm');
  return {
    kernelName: name,
    backendName: 'wasm',
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (handles(x, (args.attrs as unknown as Attrs).blockShape) || !stock) return fast(args);
      return stock.kernelFunc(args);
    },
  };
}

/** Built at registration time (after the wasm backend has registered its own kernels). */
export function spaceToBatchConfigs(): tf.KernelConfig[] {
  const spaceToBatch = withFallback(tf.SpaceToBatchND, ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { blockShape, paddings } = attrs as unknown as Attrs;
    const [n, h, w, c] = x.shape;
    const [[pt, pb], [pl, pr]] = paddings!;
    const [bh, bw] = blockShape;
    const hs = (h! + pt! + pb!) / bh!;
    const ws = (w! + pl! + pr!) / bw!;
    if (!Number.isInteger(hs) || !Number.isInteger(ws)) {
      throw new Error(
        `SpaceToBatchND: padded shape [${h! + pt! + pb!}, ${w! + pl! + pr!}] is not divisible by the block shape [${blockShape}]`,
      );
    }
    const wasm = backend as BackendWasm;
    const out = wasm.makeOutput([bh! * bw! * n!, hs, ws, c!], 'float32');
    // Heap views only after makeOutput: allocating may grow (and move) the heap.
    const src = wasm.typedArrayFromHeap(x) as Float32Array;
    const dst = wasm.typedArrayFromHeap(out) as Float32Array;
    copyFolded(src, dst, true, x.shape as [number, number, number, number], [hs, ws], blockShape, pt!, pl!);
    return out;
  });
  const batchToSpace = withFallback(tf.BatchToSpaceND, ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { blockShape, crops } = attrs as unknown as Attrs;
    const [nb, hs, ws, c] = x.shape;
    const [bh, bw] = blockShape;
    const [[ct, cb], [cl, cr]] = crops!;
    const n = nb! / (bh! * bw!);
    const shape: [number, number, number, number] = [n, hs! * bh! - ct! - cb!, ws! * bw! - cl! - cr!, c!];
    const wasm = backend as BackendWasm;
    const out = wasm.makeOutput(shape, 'float32');
    const src = wasm.typedArrayFromHeap(x) as Float32Array;
    const dst = wasm.typedArrayFromHeap(out) as Float32Array;
    copyFolded(dst, src, false, shape, [hs!, ws!], blockShape, ct!, cl!);
    return out;
  });
  return [spaceToBatch, batchToSpace];
}
