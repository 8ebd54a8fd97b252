import { describe, expect, it } from 'vitest';
import { mstfSpace } from '../../plugins/space-mstf/space.js';
import { inferShapes } from '../../core/ir/shapes.js';
import { layerCosts, networkCost } from '../../core/ir/cost.js';
import { genotypeCount, sampleGenes } from '../../core/arch/genes.js';
import { ignoresInput } from '../../core/arch/hash.js';
import { Rng } from '../../core/util/rng.js';
import { MstfError } from '../../core/errors.js';
import type { FeatureShape, IRNode, NetworkIR } from '../../core/ir/types.js';

const space = (options: Record<string, unknown> = {}, inputShape: FeatureShape = [28, 28, 1], classes = 2) =>
  mstfSpace.create({ inputShape, classes }, options as never);

/** A one-block genotype: 5 (op, input) pairs and 4 pools. */
const block = (nodes: [number, number][], pools = [0, 0, 0, 0]) => [...nodes.flat(), ...pools];
/** Normal node 1 = op(input); nodes 2..5 identities in a chain (so node 1 is consumed, leaf = node 5). */
const withNode1 = (op: number) =>
  block([
    [op, 0],
    [6, 1],
    [6, 2],
    [6, 3],
    [6, 4],
  ]);
const groupNodes = (ir: NetworkIR, group: string) => ir.nodes.filter((n) => n.group === group);

describe('mstf space: decoding each normal op builds the right layers', () => {
  const C = 16;
  const sep = (k: number) => [
    { op: 'relu' },
    { op: 'depthwise', kernel: [k, k], stride: 1, padding: 'same' },
    { op: 'conv', filters: C, kernel: [1, 1], stride: 1 },
    { op: 'batchnorm' },
    { op: 'relu' },
    { op: 'depthwise', kernel: [k, k], stride: 1, padding: 'same' },
    { op: 'conv', filters: C, kernel: [1, 1], stride: 1 },
    { op: 'batchnorm' },
  ];
  const dil = (k: number) => [
    { op: 'relu' },
    { op: 'depthwise', kernel: [k, k], stride: 1, dilation: 2, padding: 'same' },
    { op: 'conv', filters: C, kernel: [1, 1], stride: 1 },
    { op: 'batchnorm' },
  ];
  // Expected layers (DARTS ops) and their parameter counts at C = 16, by hand:
  // sep k: 2 x (k*k*C + C*C + 2C); dil k: k*k*C + C*C + 2C; 7x1+1x7: 2 x 7*C*C + 2C.
  const cases: [number, string, object[], number][] = [
    [0, 'sep 3x3', sep(3), 2 * (9 * 16 + 256 + 32)],
    [1, 'sep 5x5', sep(5), 2 * (25 * 16 + 256 + 32)],
    [2, 'sep 7x7', sep(7), 2 * (49 * 16 + 256 + 32)],
    [3, 'dil sep 3x3', dil(3), 9 * 16 + 256 + 32],
    [4, 'dil sep 5x5', dil(5), 25 * 16 + 256 + 32],
    [
      5,
      '7x1+1x7 conv',
      [
        { op: 'relu' },
        { op: 'conv', filters: C, kernel: [1, 7] },
        { op: 'conv', filters: C, kernel: [7, 1] },
        { op: 'batchnorm' },
      ],
      2 * 7 * 256 + 32,
    ],
    [6, 'identity', [{ op: 'identity' }], 0],
    [7, 'zero', [{ op: 'zero' }], 0],
  ];
  for (const [op, label, layers, params] of cases) {
    it(`op ${op} = ${label}`, () => {
      const s = space({ blocks: 1, channels: C });
      const ir = s.decode(withNode1(op));
      const nodes = groupNodes(ir, 'b1/normal/n1');
      expect(nodes.map((n) => n.op)).toEqual(layers.map((l) => (l as { op: string }).op));
      nodes.forEach((n, i) => {
        expect(n).toMatchObject(layers[i]!);
      });
      nodes.forEach((n) => {
        expect(n.label).toBe(label);
      });
      // A chain: the first layer reads the cell input (the stem), each next one the previous layer.
      expect(nodes[0]!.inputs).toEqual(['stem_bn']);
      nodes.slice(1).forEach((n, i) => {
        expect(n.inputs).toEqual([nodes[i]!.id]);
      });
      // Convolutions are bias-free (each is followed by BN).
      nodes
        .filter((n) => n.op === 'conv' || n.op === 'depthwise')
        .forEach((n) => {
          expect((n as { bias?: boolean }).bias ?? false).toBe(false);
        });
      const costs = layerCosts(ir).filter((l) => l.group === 'b1/normal/n1');
      expect(costs.reduce((sum, l) => sum + l.params, 0)).toBe(params);
      // Every normal op keeps the shape [H, W, C].
      expect(inferShapes(ir).get(nodes[nodes.length - 1]!.id)).toEqual([28, 28, C]);
    });
  }
});

describe('mstf space: decoding each pool index builds the right layers', () => {
  const pools: [number, 'max' | 'avg', number][] = [
    [0, 'max', 2],
    [1, 'avg', 2],
    [2, 'max', 3],
    [3, 'avg', 3],
    [4, 'max', 4],
    [5, 'avg', 4],
  ];
  for (const [index, mode, window] of pools) {
    it(`pool ${index} = ${mode} ${window}x${window}, stride 2, then ReLU-1x1 conv (C/4)-BN`, () => {
      const s = space({ blocks: 1, channels: 16 });
      const ir = s.decode(
        block(
          [
            [0, 0],
            [0, 1],
            [0, 2],
            [0, 3],
            [0, 4],
          ],
          [index, index, index, index],
        ),
      );
      const shapes = inferShapes(ir);
      for (const p of [1, 2, 3, 4]) {
        const nodes = groupNodes(ir, `b1/reduce/p${p}`);
        expect(nodes.map((n) => n.op)).toEqual(['pool', 'relu', 'conv', 'batchnorm']);
        expect(nodes[0]).toMatchObject({ mode, window, stride: 2, padding: 'same', inputs: ['b1_normal_proj_bn'] });
        expect(nodes[2]).toMatchObject({ filters: 4, kernel: [1, 1] });
        expect(shapes.get(nodes[3]!.id)).toEqual([14, 14, 4]);
      }
      const concat = ir.nodes.find((n) => n.id === 'b1_reduce_concat')!;
      expect(concat.inputs).toEqual([1, 2, 3, 4].map((p) => `b1_reduce_p${p}_bn`));
      expect(shapes.get(concat.id)).toEqual([14, 14, 16]);
    });
  }
});

describe('mstf space: wiring and macro structure', () => {
  it('node k reads node in_k; the unconsumed nodes are concatenated and projected back to C', () => {
    const s = space({ blocks: 1, channels: 8 });
    // n1 = sep3(in), n2 = sep5(in), n3 = dil3(n1), n4 = identity(n1), n5 = zero(n3): unconsumed n2, n4, n5.
    const ir = s.decode(
      block([
        [0, 0],
        [1, 0],
        [3, 1],
        [6, 1],
        [7, 3],
      ]),
    );
    const first = (k: number) => groupNodes(ir, `b1/normal/n${k}`)[0]!;
    const last = (k: number) => groupNodes(ir, `b1/normal/n${k}`).at(-1)!;
    expect(first(1).inputs).toEqual(['stem_bn']);
    expect(first(2).inputs).toEqual(['stem_bn']);
    expect(first(3).inputs).toEqual([last(1).id]);
    expect(first(4).inputs).toEqual([last(1).id]);
    expect(first(5).inputs).toEqual([last(3).id]);
    const concat = ir.nodes.find((n) => n.id === 'b1_normal_concat')!;
    expect(concat.inputs).toEqual([last(2).id, last(4).id, last(5).id]);
    const shapes = inferShapes(ir);
    expect(shapes.get(concat.id)).toEqual([28, 28, 24]);
    const proj = groupNodes(ir, 'b1/normal/out').filter((n) => n.op !== 'concat');
    expect(proj.map((n) => n.op)).toEqual(['relu', 'conv', 'batchnorm']);
    expect(proj[1]).toMatchObject({ filters: 8, kernel: [1, 1] });
    expect(proj[0]!.inputs).toEqual([concat.id]);
  });

  it('whole network, 1 block, 8x8x1 input, C0 = 16: parameters and MACs as counted by hand', () => {
    // All-identity chain: leaf n5 only. Pools max 2x2.
    const ir = space({ blocks: 1, channels: 16 }, [8, 8, 1], 2).decode(
      block([
        [6, 0],
        [6, 1],
        [6, 2],
        [6, 3],
        [6, 4],
      ]),
    );
    // stem conv 3*3*1*16 = 144, BN 32; projection 16*16 = 256, BN 32; 4 x (1x1 conv 16*4 = 64, BN 8) = 288;
    // dense 16*2 + 2 = 34.
    // MACs: stem 8*8*16*9 = 9216; projection 8*8*16*16 = 16384; pools' 1x1 convs 4 * 4*4*4*16 = 4096; dense 32.
    expect(networkCost(ir)).toEqual({ params: 144 + 32 + 256 + 32 + 288 + 34, flops: 9216 + 16384 + 4096 + 32 });
  });

  it('3 blocks: channels 16/32/64 with a ReLU-1x1 conv-BN doubling at blocks 2 and 3; 28 -> 14 -> 7 -> 4; GAP; dense', () => {
    const s = space({ blocks: 3, channels: 16 }, [28, 28, 1], 5);
    const g = s.sample(new Rng(3));
    const ir = s.decode(g);
    const shapes = inferShapes(ir);
    expect(ir.nodes[0]).toMatchObject({ op: 'input', shape: [28, 28, 1] });
    expect(ir.nodes[1]).toMatchObject({ op: 'conv', kernel: [3, 3], filters: 16 });
    expect(ir.nodes[2]).toMatchObject({ op: 'batchnorm' });
    for (const [b, c] of [
      [2, 32],
      [3, 64],
    ] as const) {
      expect(groupNodes(ir, `b${b}/expand`).map((n) => n.op)).toEqual(['relu', 'conv', 'batchnorm']);
      expect(groupNodes(ir, `b${b}/expand`)[1]).toMatchObject({ filters: c, kernel: [1, 1] });
      expect(groupNodes(ir, `b${b}/expand`)[0]!.inputs).toEqual([`b${b - 1}_reduce_concat`]);
    }
    expect(groupNodes(ir, 'b1/expand')).toEqual([]);
    expect(shapes.get('b1_reduce_concat')).toEqual([14, 14, 16]);
    expect(shapes.get('b2_reduce_concat')).toEqual([7, 7, 32]);
    expect(shapes.get('b3_reduce_concat')).toEqual([4, 4, 64]);
    const tail = ir.nodes.slice(-2);
    expect(tail.map((n) => n.op)).toEqual(['gap', 'dense']);
    expect(tail[1]).toMatchObject({ units: 5 });
    expect(ir.output).toBe(tail[1]!.id);
    // Ids never contain '/', groups name the cell node.
    for (const n of ir.nodes) expect(n.id).not.toContain('/');
  });
});

describe('mstf space: genotype count and bounds', () => {
  it('a block has (o_N)^n_N x n_N! x (o_R)^n_R = 8^5 x 5! x 6^4 genotypes, derived from the gene bounds', () => {
    const s = space({ blocks: 1 });
    expect(s.bounds).toHaveLength(14);
    const fromBounds = s.bounds.reduce((n, b) => n * (b.high - b.low + 1), 1);
    const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
    const paper = 8 ** 5 * factorial(5) * 6 ** 4; // Sec. III-A with o_N = 8, n_N = 5, o_R = 6, n_R = 4
    expect(fromBounds).toBe(paper);
    expect(paper).toBe(5_096_079_360);
    expect(genotypeCount(s.bounds)).toBe(BigInt(paper));
    // Three blocks: the per-block count cubed.
    expect(genotypeCount(space({ blocks: 3 }).bounds)).toBe(BigInt(paper) ** 3n);
  });

  it('the input gene of node k allows exactly 0..k-1 (5! wirings, all valid)', () => {
    const s = space({ blocks: 1 });
    const inputs = s.bounds.filter((b) => b.name.endsWith('input'));
    expect(inputs.map((b) => [b.low, b.high])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [0, 3],
      [0, 4],
    ]);
    let wirings = 0;
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 3; b++)
        for (let c = 0; c < 4; c++)
          for (let d = 0; d < 5; d++) {
            expect(() =>
              s.validate(
                block([
                  [0, 0],
                  [0, a],
                  [0, b],
                  [0, c],
                  [0, d],
                ]),
              ),
            ).not.toThrow();
            wirings++;
          }
    expect(wirings).toBe(120);
    expect(() =>
      s.validate(
        block([
          [0, 1],
          [0, 0],
          [0, 0],
          [0, 0],
          [0, 0],
        ]),
      ),
    ).toThrow(/node 1 input\) = 1 is out of range 0\.\.0/);
  });
});

describe('mstf space: random genotypes decode to valid networks', () => {
  const cases: [FeatureShape, number][] = [
    [[28, 28, 1], 3],
    [[28, 28, 3], 3],
    [[224, 224, 1], 4],
  ];
  for (const [shape, blocks] of cases) {
    it(`50 seeded samples, input ${shape.join('x')}, ${blocks} blocks: output [classes]`, () => {
      const classes = 7;
      const s = space({ blocks, channels: 16 }, shape, classes);
      const rng = new Rng(2024);
      for (let i = 0; i < 50; i++) {
        const g = s.sample(rng);
        expect(g).toHaveLength(14 * blocks);
        s.bounds.forEach((b, j) => {
          expect(g[j]).toBeGreaterThanOrEqual(b.low);
        });
        s.bounds.forEach((b, j) => {
          expect(g[j]).toBeLessThanOrEqual(b.high);
        });
        const ir = s.decode(g);
        expect(inferShapes(ir).get(ir.output)).toEqual([classes]);
        expect(s.isDegenerate(g)).toBe(false);
        expect(s.parse(s.format(g))).toEqual(g);
      }
    });
  }

  it('sampling is reproducible from the seed and covers every gene value', () => {
    const s = space();
    const a = Array.from(
      { length: 20 },
      (
        (r) => () =>
          s.sample(r)
      )(new Rng(9)),
    );
    const b = Array.from(
      { length: 20 },
      (
        (r) => () =>
          s.sample(r)
      )(new Rng(9)),
    );
    expect(a).toEqual(b);
    const seen = s.bounds.map(() => new Set<number>());
    const rng = new Rng(1);
    for (let i = 0; i < 300; i++)
      s.sample(rng).forEach((v, j) => {
        seen[j]!.add(v);
      });
    s.bounds.forEach((bd, j) => {
      expect(seen[j]!.size).toBe(bd.high - bd.low + 1);
    });
  });
});

describe('mstf space: invalid genotypes are refused naming the gene', () => {
  const s = space({ blocks: 3 });
  const good = s.sample(new Rng(5));
  const refuse = (g: unknown, message: string | RegExp) => {
    let err: unknown;
    try {
      s.validate(g as number[]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MstfError);
    expect((err as MstfError).code).toBe('INVALID_GENOTYPE');
    if (typeof message === 'string') expect((err as MstfError).message).toBe(message);
    else expect((err as MstfError).message).toMatch(message);
  };

  it('out-of-range genes', () => {
    const g = [...good];
    g[7] = 9;
    refuse(g, 'gene 7 (block 1 normal node 4 input) = 9 is out of range 0..3');
    const h = [...good];
    h[14] = 8;
    refuse(h, 'gene 14 (block 2 normal node 1 op) = 8 is out of range 0..7');
    const p = [...good];
    p[41] = 6;
    refuse(p, 'gene 41 (block 3 reduction pool 4) = 6 is out of range 0..5');
    const n = [...good];
    n[0] = -1;
    refuse(n, 'gene 0 (block 1 normal node 1 op) = -1 is out of range 0..7');
  });

  it('wrong length', () => {
    refuse(good.slice(0, 41), 'genotype has 41 genes, the mstf space with 3 blocks (14 per block) needs 42');
    refuse([...good, 0], /has 43 genes.*needs 42/);
    refuse([], /has 0 genes/);
  });

  it('non-integers', () => {
    const g: unknown[] = [...good];
    g[3] = 1.5;
    refuse(g, 'gene 3 (block 1 normal node 2 input) = 1.5 is not an integer (allowed 0..1)');
    g[3] = Number.NaN;
    refuse(g, /gene 3 \(block 1 normal node 2 input\) = null is not an integer/);
    g[3] = '1';
    refuse(g, /gene 3 .* = "1" is not an integer/);
    refuse('0,0,0' as unknown, /must be an array/);
  });

  it('garbage text', () => {
    const parse = (text: string) => () => s.parse(text);
    expect(parse('hello')).toThrow(/gene 0 \(block 1 normal node 1 op\) = "hello" is not a number/);
    expect(parse('0,0,1.5')).toThrow(/gene 2 \(block 1 normal node 2 op\) = "1.5" is not an integer/);
    expect(parse('0,,1')).toThrow(/gene 1 .* is empty/);
    expect(parse('')).toThrow(/genotype is empty/);
    expect(parse('0,0,0,0')).toThrow(/has 4 genes/);
    // Accepted forms: commas, spaces, brackets.
    expect(s.parse(`[${good.join(', ')}]`)).toEqual(good);
    expect(s.parse(good.join(' '))).toEqual(good);
  });

  it('bad options and contexts', () => {
    expect(() => space({ channels: 10 })).toThrow(/space mstf: option channels: channels must be a multiple of 4/);
    expect(() => space({ blocks: 0 })).toThrow(/space mstf: option blocks/);
    expect(() => space({ depth: 3 })).toThrow(/space mstf: options: .*depth/);
    expect(() => space({}, [28, 28, 0] as FeatureShape)).toThrow(/input shape must be \[H, W, C\]/);
    expect(() => space({}, [28, 28, 1], 0)).toThrow(/classes must be a positive integer/);
  });
});

describe('mstf space: degenerate networks', () => {
  const s = space({ blocks: 1 });
  const s3 = space({ blocks: 3 });
  const live = block([
    [0, 0],
    [1, 1],
    [2, 2],
    [3, 3],
    [4, 4],
  ]);

  it('hand-made dead and live cells', () => {
    // Every node zero.
    expect(
      s.isDegenerate(
        block([
          [7, 0],
          [7, 1],
          [7, 2],
          [7, 3],
          [7, 4],
        ]),
      ),
    ).toBe(true);
    // A chain built on a zero node: the only leaf n5 is dead.
    expect(
      s.isDegenerate(
        block([
          [7, 0],
          [0, 1],
          [1, 2],
          [2, 3],
          [6, 4],
        ]),
      ),
    ).toBe(true);
    // Leaves n2 = zero(n1) and n5 = zero(n4): dead although n1, n3, n4 are live.
    expect(
      s.isDegenerate(
        block([
          [0, 0],
          [7, 1],
          [0, 1],
          [0, 3],
          [7, 4],
        ]),
      ),
    ).toBe(true);
    // Leaves n1 (dead) and n5 (built on the live n2): alive.
    expect(
      s.isDegenerate(
        block([
          [7, 0],
          [0, 0],
          [0, 2],
          [0, 3],
          [0, 4],
        ]),
      ),
    ).toBe(false);
    // A zero node that is not the only path: n3 = zero(n1) consumed by n4, leaf n5 = sep(n1) alive; n4 dead leaf.
    expect(
      s.isDegenerate(
        block([
          [0, 0],
          [6, 1],
          [7, 1],
          [0, 3],
          [0, 1],
        ]),
      ),
    ).toBe(false);
    expect(s.isDegenerate(live)).toBe(false);
  });

  it('a dead cell in any block makes the whole network degenerate', () => {
    const dead = block([
      [7, 0],
      [7, 1],
      [7, 2],
      [7, 3],
      [7, 4],
    ]);
    expect(s3.isDegenerate([...live, ...live, ...live])).toBe(false);
    expect(s3.isDegenerate([...dead, ...live, ...live])).toBe(true);
    expect(s3.isDegenerate([...live, ...dead, ...live])).toBe(true);
    expect(s3.isDegenerate([...live, ...live, ...dead])).toBe(true);
  });

  it('agrees with the IR-level analysis (output independent of the input) on raw random genotypes', () => {
    const rng = new Rng(77);
    let degenerate = 0;
    for (let i = 0; i < 300; i++) {
      const g = sampleGenes(s3.bounds, rng);
      const d = s3.isDegenerate(g);
      expect(d).toBe(ignoresInput(s3.decode(g)));
      if (d) degenerate++;
    }
    expect(degenerate).toBeGreaterThan(0);
  });

  it('about 5.4% of random blocks are dead (DESIGN.md, measured with a PyTorch reference): exact enumeration', () => {
    // Only "is the op zero" matters for deadness: enumerate the 5! wirings x 2^5 zero patterns and weight each
    // pattern by the number of op choices it stands for (7 non-zero ops, 1 zero op).
    let dead = 0;
    for (let w = 0; w < 120; w++) {
      const ins = [0, w % 2, Math.floor(w / 2) % 3, Math.floor(w / 6) % 4, Math.floor(w / 24) % 5];
      for (let z = 0; z < 32; z++) {
        const ops = ins.map((_, k) => ((z >> k) & 1 ? 7 : 0));
        const g = block(ops.map((op, k) => [op, ins[k]!] as [number, number]));
        if (s.isDegenerate(g)) dead += 7 ** ops.filter((o) => o !== 7).length / 8 ** 5 / 120;
      }
    }
    expect(dead).toBeGreaterThan(0.05);
    expect(dead).toBeLessThan(0.058);
    // "about 15% of random 3-block genotypes"
    expect(1 - (1 - dead) ** 3).toBeGreaterThan(0.14);
    expect(1 - (1 - dead) ** 3).toBeLessThan(0.165);
  });
});

describe('mstf space: canonical hash', () => {
  const s = space({ blocks: 1 });
  it('renumbering the nodes gives the same hash', () => {
    // n1 = sep3(in), n2 = sep5(in), n3 = dil3(n1), n4 = id(n2), n5 = 7x1(n3)
    const a = block(
      [
        [0, 0],
        [1, 0],
        [3, 1],
        [6, 2],
        [5, 3],
      ],
      [0, 1, 2, 3],
    );
    // Same graph with nodes 1 and 2 swapped.
    const b = block(
      [
        [1, 0],
        [0, 0],
        [3, 2],
        [6, 1],
        [5, 3],
      ],
      [0, 1, 2, 3],
    );
    expect(a).not.toEqual(b);
    expect(s.hash(a)).toBe(s.hash(b));
    expect(s.hash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('identity is transparent: sep3(identity(x)) = identity(sep3(x))', () => {
    const a = block([
      [6, 0],
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    const b = block([
      [0, 0],
      [6, 1],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(s.hash(a)).toBe(s.hash(b));
    expect(networkCost(s.decode(a))).toEqual(networkCost(s.decode(b)));
  });

  it('the order of the reduction pools does not matter (concatenation is a multiset)', () => {
    const nodes: [number, number][] = [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ];
    expect(s.hash(block(nodes, [0, 1, 2, 3]))).toBe(s.hash(block(nodes, [3, 2, 1, 0])));
  });

  it('different networks hash differently', () => {
    const base = block(
      [
        [0, 0],
        [1, 0],
        [3, 1],
        [6, 2],
        [5, 3],
      ],
      [0, 1, 2, 3],
    );
    const hashes = new Set([s.hash(base)]);
    for (let i = 0; i < base.length; i++) {
      const bound = s.bounds[i]!;
      for (let v = bound.low; v <= bound.high; v++) {
        if (v === base[i]) continue;
        const g = [...base];
        g[i] = v;
        if (s.hash(g) === s.hash(base)) {
          // Only exact equivalences may collide: a swap of two equal structures.
          throw new Error(`gene ${i} = ${v} hashes like the base genotype`);
        }
        hashes.add(s.hash(g));
      }
    }
    expect(hashes.size).toBeGreaterThan(40);
    // Options and context are part of the network.
    expect(space({ blocks: 1, channels: 32 }).hash(base)).not.toBe(s.hash(base));
    expect(space({ blocks: 1 }, [28, 28, 1], 3).hash(base)).not.toBe(s.hash(base));
  });
});

describe('mstf space: describe and IR labels', () => {
  it('groups and labels name the cell node and its op', () => {
    const s = space({ blocks: 1 });
    const ir = s.decode(
      block(
        [
          [1, 0],
          [6, 1],
          [6, 2],
          [6, 3],
          [7, 4],
        ],
        [4, 1, 2, 3],
      ),
    );
    const byGroup = (g: string) => ir.nodes.filter((n: IRNode) => n.group === g).map((n) => n.label);
    expect(new Set(byGroup('b1/normal/n1'))).toEqual(new Set(['sep 5x5']));
    expect(byGroup('b1/normal/n5')).toEqual(['zero']);
    expect(new Set(byGroup('b1/reduce/p1'))).toEqual(new Set(['max 4x4']));
    const text = s.describe(
      block(
        [
          [1, 0],
          [6, 1],
          [6, 2],
          [6, 3],
          [7, 4],
        ],
        [4, 1, 2, 3],
      ),
    );
    expect(text).toContain('n1=sep 5x5(in)');
    expect(text).toContain('n5=zero(n4)');
    expect(text).toContain('dead');
    expect(text).toContain('reduction max 4x4, avg 2x2, max 3x3, avg 3x3');
  });
});
