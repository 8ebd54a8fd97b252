import { describe, expect, it } from 'vitest';
import { resizeArea, resizeBilinear, resizeImage } from '../../core/data/resize.js';

describe('resize', () => {
  it('area: 4x4 -> 2x2 gives the 2x2 block means', () => {
    // prettier-ignore
    const data = Uint8Array.from([0, 2, 10, 20, 4, 6, 30, 40, 100, 100, 7, 7, 100, 100, 7, 9]);
    const out = resizeArea({ data, height: 4, width: 4, channels: 1 }, 2, 2);
    expect([...out.data]).toEqual([3, 25, 100, 8]); // (0+2+4+6)/4, (10+20+30+40)/4, 100, (7+7+7+9)/4 = 7.5 -> 8
  });

  it('area with fractional cover: 3 -> 2 weights 2/3 and 1/3 of the middle pixel', () => {
    const out = resizeArea({ data: Uint8Array.from([0, 90, 180]), height: 1, width: 3, channels: 1 }, 1, 2);
    // out0 = (0*1 + 90*0.5)/1.5 = 30; out1 = (90*0.5 + 180*1)/1.5 = 150
    expect([...out.data]).toEqual([30, 150]);
  });

  it('area keeps channels apart (RGB)', () => {
    const data = Uint8Array.from([10, 20, 30, 50, 60, 70]); // 1x2 RGB
    const out = resizeArea({ data, height: 1, width: 2, channels: 3 }, 1, 1);
    expect([...out.data]).toEqual([30, 40, 50]);
  });

  it('bilinear 2x2 -> 4x4 with half-pixel centres (OpenCV INTER_LINEAR values)', () => {
    const out = resizeBilinear({ data: Uint8Array.from([0, 100, 200, 40]), height: 2, width: 2, channels: 1 }, 4, 4);
    // Row 0 samples y=-0.25 -> clamped 0: x positions -0.25,0.25,0.75,1.25 -> 0, 25, 75, 100.
    expect([...out.data.subarray(0, 4)]).toEqual([0, 25, 75, 100]);
    // Row 1 samples y=0.25: top row blended with bottom 25%: col0 = 0 + 0.25*200 = 50.
    expect(out.data[4]).toBe(50);
    // Row 3 (y clamped to 1): 200, 160, 80, 40.
    expect([...out.data.subarray(12, 16)]).toEqual([200, 160, 80, 40]);
  });

  it('a constant image stays constant at any size; same size is a copy', () => {
    const data = new Uint8Array(7 * 5).fill(123);
    for (const [h, w] of [
      [3, 2],
      [14, 10],
      [224, 224],
      [5, 9],
    ] as const) {
      expect(new Set(resizeImage({ data, height: 7, width: 5, channels: 1 }, h, w).data)).toEqual(new Set([123]));
    }
    const same = resizeImage({ data, height: 7, width: 5, channels: 1 }, 7, 5);
    expect(same.data).not.toBe(data);
    expect([...same.data]).toEqual([...data]);
  });
});
