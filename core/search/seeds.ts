/**
 * Seeds derived from the search seed, one stream per purpose, so every random choice of a search is a
 * function of (search seed, purpose) alone: the indicator batch, and each candidate's network
 * initialisation (keyed by the network hash, so a candidate re-evaluated after a resume, or met again in a
 * later generation, gets bit-identical weights whatever the evaluation order).
 */
export function deriveSeed(searchSeed: number, purpose: string): number {
  // FNV-1a (32 bit) over "seed:purpose", then a murmur3 finaliser to spread the bits.
  let h = 0x811c9dc5;
  const text = `${searchSeed >>> 0}:${purpose}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  // Non-negative 31-bit: valid wherever a seed is an int32 (tfjs, numpy-style APIs).
  return (h >>> 0) & 0x7fffffff;
}

export const batchSeed = (searchSeed: number) => deriveSeed(searchSeed, 'batch');
export const initSeed = (searchSeed: number, hash: string) => deriveSeed(searchSeed, `init:${hash}`);
