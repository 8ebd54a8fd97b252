/**
 * Image resizing for uint8 images stored HWC (row-major, channels last). Area averaging for shrinking
 * (each output pixel is the exact mean of the input area it covers, like OpenCV's INTER_AREA, so a
 * 4000x3000 mammogram shrinks to 224x224 without aliasing) and bilinear (half-pixel centres, like
 * OpenCV's INTER_LINEAR / PIL without antialias) for enlarging.
 */
export interface ImageU8 {
  data: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/** Area when shrinking an axis, bilinear when enlarging it. */
export function resizeImage(img: ImageU8, outH: number, outW: number): ImageU8 {
  if (outH === img.height && outW === img.width) return { ...img, data: img.data.slice() };
  const shrink = outH <= img.height && outW <= img.width;
  return shrink ? resizeArea(img, outH, outW) : resizeBilinear(img, outH, outW);
}

/** Per output index along one axis: the input indices it covers and their weights (summing to 1). */
function areaWeights(inLen: number, outLen: number): { idx: Int32Array; w: Float64Array; start: Int32Array } {
  const scale = inLen / outLen;
  const starts: number[] = [0];
  const idx: number[] = [];
  const w: number[] = [];
  for (let o = 0; o < outLen; o++) {
    const a = o * scale;
    const b = (o + 1) * scale;
    for (let i = Math.floor(a); i < Math.min(inLen, Math.ceil(b)); i++) {
      const cover = Math.min(b, i + 1) - Math.max(a, i);
      if (cover > 1e-12) {
        idx.push(i);
        w.push(cover / scale);
      }
    }
    starts.push(idx.length);
  }
  return { idx: Int32Array.from(idx), w: Float64Array.from(w), start: Int32Array.from(starts) };
}

/** Exact area averaging (box filter over the covered area, fractional edges weighted). */
export function resizeArea(img: ImageU8, outH: number, outW: number): ImageU8 {
  const { height: H, width: W, channels: C, data } = img;
  const wx = areaWeights(W, outW);
  const wy = areaWeights(H, outH);
  // Horizontal pass: H x outW x C floats, then vertical pass into the output.
  const tmp = new Float64Array(H * outW * C);
  for (let y = 0; y < H; y++) {
    const row = y * W * C;
    for (let ox = 0; ox < outW; ox++) {
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let k = wx.start[ox]!; k < wx.start[ox + 1]!; k++) s += data[row + wx.idx[k]! * C + c]! * wx.w[k]!;
        tmp[(y * outW + ox) * C + c] = s;
      }
    }
  }
  const out = new Uint8Array(outH * outW * C);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let k = wy.start[oy]!; k < wy.start[oy + 1]!; k++) s += tmp[(wy.idx[k]! * outW + ox) * C + c]! * wy.w[k]!;
        out[(oy * outW + ox) * C + c] = clampByte(s);
      }
    }
  }
  return { data: out, height: outH, width: outW, channels: C };
}

/** Bilinear with half-pixel centres; samples outside the image clamp to the edge. */
export function resizeBilinear(img: ImageU8, outH: number, outW: number): ImageU8 {
  const { height: H, width: W, channels: C, data } = img;
  const out = new Uint8Array(outH * outW * C);
  const sy = H / outH;
  const sx = W / outW;
  for (let oy = 0; oy < outH; oy++) {
    const fy = Math.min(Math.max((oy + 0.5) * sy - 0.5, 0), H - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, H - 1);
    const dy = fy - y0;
    for (let ox = 0; ox < outW; ox++) {
      const fx = Math.min(Math.max((ox + 0.5) * sx - 0.5, 0), W - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, W - 1);
      const dx = fx - x0;
      for (let c = 0; c < C; c++) {
        const p00 = data[(y0 * W + x0) * C + c]!;
        const p01 = data[(y0 * W + x1) * C + c]!;
        const p10 = data[(y1 * W + x0) * C + c]!;
        const p11 = data[(y1 * W + x1) * C + c]!;
        const top = p00 + (p01 - p00) * dx;
        const bottom = p10 + (p11 - p10) * dx;
        out[(oy * outW + ox) * C + c] = clampByte(top + (bottom - top) * dy);
      }
    }
  }
  return { data: out, height: outH, width: outW, channels: C };
}

function clampByte(v: number): number {
  // Round half up after removing float noise (e.g. 127.49999999 from summed weights).
  const r = Math.round(v + 1e-9);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}
