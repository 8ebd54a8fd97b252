import { describe, expect, it } from 'vitest';
import { bootKernel, resolveSettings } from '../../core/kernel/index.js';
import { describeArchitecture, drawArchitecture, parseInputShape } from '../../core/arch/describe.js';
import spaceMstf from '../../plugins/space-mstf/index.js';
import spaceNb201 from '../../plugins/space-nb201/index.js';
import { builtinPlugins } from '../../plugins/index.js';
import { allElements, parseXml } from './xml.js';

const BEST = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
const MSTF_G = '1,0,6,1,6,2,6,2,3,1,3,3,3,1,0,0,7,0,2,1,1,2,1,1,4,3,0,1,1,0,1,1,0,2,7,3,2,2,5,4,5,4';

const boot = (options?: Record<string, unknown>) =>
  bootKernel({
    settings: resolveSettings({ cwd: '/nonexistent-mstf-test-dir' }),
    builtins: [spaceMstf, spaceNb201],
    config: options ? { options: { searchSpace: options } } : {},
  });

describe('xml checker (used for the SVG tests) refuses malformed documents', () => {
  it('accepts well-formed and refuses broken XML', () => {
    expect(parseXml('<?xml version="1.0"?>\n<a x="1"><b/><c y=\'2\'>t &amp; u</c></a>\n').children).toHaveLength(2);
    for (const bad of [
      '<a><b></a></b>',
      '<a x=1/>',
      '<a x="1" x="2"/>',
      '<a>x < y</a>',
      '<a>fish & chips</a>',
      '<a/><b/>',
      '<a>',
      '<a x="<"/>',
      'text<a/>',
      '<a x="1"y="2"/>',
    ]) {
      expect(() => parseXml(bad), bad).toThrow();
    }
  });
});

describe('core/arch: describeArchitecture and drawArchitecture', () => {
  it('both spaces are registered by the built-in plugin list', () => {
    const names = builtinPlugins.map((p) => p.name);
    expect(names).toContain('@mstf/space-mstf');
    expect(names).toContain('@mstf/space-nb201');
  });

  it('nb201 with the space defaults (32x32x3, 10 classes): the benchmark counts', async () => {
    const k = await boot();
    const d = describeArchitecture(k, { space: 'nb201', genotype: '3,3,4,1,3,1' });
    expect(d.genotype).toBe(BEST);
    expect(d.params).toBe(802426); // NAS-Bench-201 params_M 0.802426
    expect(d.inputShape).toEqual([32, 32, 3]);
    expect(d.classes).toBe(10);
    expect(d.outShape).toEqual([10]);
    expect(d.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.degenerate).toBe(false);
    expect(d.layers.reduce((s, l) => s + l.params, 0)).toBe(d.params);
    expect(d.layers.reduce((s, l) => s + l.flops, 0)).toBe(d.flops);
    // Same network from the cell string.
    expect(describeArchitecture(k, { space: 'nb201', genotype: BEST }).hash).toBe(d.hash);
  });

  it('mstf defaults (28x28x1, 2 classes, 3 blocks, C0 16), explicit overrides, and options from the config', async () => {
    const k = await boot();
    const d = describeArchitecture(k, { space: 'mstf', genotype: MSTF_G });
    expect(d.inputShape).toEqual([28, 28, 1]);
    expect(d.classes).toBe(2);
    expect(d.options).toEqual({ blocks: 3, channels: 16 });
    expect(d.outShape).toEqual([2]);
    expect(d.layers.find((l) => l.node === 'b3_reduce_concat')!.outShape).toEqual([4, 4, 64]);
    const wide = describeArchitecture(k, {
      space: 'mstf',
      genotype: MSTF_G,
      options: { channels: 32 },
      inputShape: [28, 28, 3],
      classes: 9,
    });
    expect(wide.options).toEqual({ blocks: 3, channels: 32 });
    expect(wide.outShape).toEqual([9]);
    expect(wide.layers.find((l) => l.node === 'b3_reduce_concat')!.outShape).toEqual([4, 4, 128]);
    expect(wide.params).toBeGreaterThan(d.params);
    // mstf.config.json options are the base; explicit options win.
    const k2 = await boot({ mstf: { channels: 128 } });
    expect(describeArchitecture(k2, { space: 'mstf', genotype: MSTF_G }).options).toEqual({ blocks: 3, channels: 128 });
    expect(
      describeArchitecture(k2, { space: 'mstf', genotype: MSTF_G, options: { channels: 8 } }).options.channels,
    ).toBe(8);
  });

  it('errors are one clear line', async () => {
    const k = await boot();
    expect(() => describeArchitecture(k, { space: 'darts', genotype: '1' })).toThrow(
      /unknown searchSpace "darts" \(known: mstf, nb201\)/,
    );
    expect(() => describeArchitecture(k, { space: 'mstf', genotype: MSTF_G, options: { channels: 6 } })).toThrow(
      /space mstf: invalid options \(channels: /,
    );
    expect(() => describeArchitecture(k, { space: 'nb201', genotype: BEST, options: { blocks: 3 } })).toThrow(
      /space nb201: invalid options/,
    );
    expect(() =>
      describeArchitecture(k, { space: 'mstf', genotype: MSTF_G.replace(/^1,0,6,1,6,2,6,2/, '1,0,6,1,6,2,6,9') }),
    ).toThrow('gene 7 (block 1 normal node 4 input) = 9 is out of range 0..3');
    expect(() => parseInputShape('28x28')).toThrow(/expected HxWxC/);
    expect(parseInputShape('224x224x1')).toEqual([224, 224, 1]);
  });

  it('mstf drawing: well-formed SVG with one <g class="cell"> per cell (normal + reduction per block)', async () => {
    const k = await boot();
    for (const blocks of [1, 3, 4]) {
      const genes = Array.from({ length: 14 * blocks }, (_, i) => [1, 0, 6, 1, 6, 2, 6, 2, 3, 1, 3, 3, 3, 1][i % 14]!);
      const svg = drawArchitecture(k, { space: 'mstf', genotype: genes.join(','), options: { blocks } });
      const root = parseXml(svg);
      expect(root.name).toBe('svg');
      expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
      const cells = allElements(root).filter((e) => e.name === 'g' && e.attrs.class === 'cell');
      expect(cells).toHaveLength(2 * blocks);
      expect(cells.map((c) => c.attrs['data-cell'])).toEqual(
        Array.from({ length: blocks }, (_, b) => [`b${b + 1}/normal`, `b${b + 1}/reduction`]).flat(),
      );
      // The normal cell shows its 5 nodes with ops; the reduction cell its 4 pools.
      const texts = (e: ReturnType<typeof parseXml>) => allElements(e).filter((x) => x.name === 'text').length;
      expect(texts(cells[0]!)).toBeGreaterThan(10);
      expect(svg).toContain('n1: sep 5x5');
      expect(svg).toContain('avg 3x3 /2');
      expect(svg).toContain('C=16');
    }
  });

  it('nb201 drawing: well-formed SVG with the cell DAG and one <g class="cell"> per cell of the skeleton', async () => {
    const k = await boot();
    const svg = drawArchitecture(k, { space: 'nb201', genotype: BEST });
    const root = parseXml(svg);
    const cells = allElements(root).filter((e) => e.name === 'g' && e.attrs.class === 'cell');
    expect(cells).toHaveLength(15);
    const dag = allElements(root).filter((e) => e.name === 'g' && e.attrs.class === 'cell-dag');
    expect(dag).toHaveLength(1);
    expect(allElements(dag[0]!).filter((e) => e.name === 'circle')).toHaveLength(4);
    expect(allElements(dag[0]!).filter((e) => e.name === 'path')).toHaveLength(6);
  });
});
