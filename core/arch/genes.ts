/**
 * Integer genotypes: parsing user text and checking genes against their bounds. Shared by every search
 * space so that all of them refuse bad genotypes the same way: one line naming the gene, what it means and
 * its allowed range, e.g. `gene 7 (block 1 normal node 4 input) = 9 is out of range 0..3`.
 */
import { MstfError } from '../errors.js';
import type { GeneBound, Genotype } from '../contracts/search-space.js';

function invalid(message: string): never {
  throw new MstfError('INVALID_GENOTYPE', message);
}

function geneName(bounds: readonly GeneBound[], i: number): string {
  const b = bounds[i];
  return b ? `gene ${i} (${b.name})` : `gene ${i}`;
}

/**
 * Parse "1,0,3,1,..." (commas and/or whitespace; optional surrounding [ ]) into integers. Every token must
 * be a plain decimal integer; anything else is refused naming the token and its position.
 */
export function parseIntegerGenes(text: string, bounds: readonly GeneBound[] = []): Genotype {
  if (typeof text !== 'string') invalid(`genotype must be text, got ${typeof text}`);
  let body = text.trim();
  if (body.startsWith('[') && body.endsWith(']')) body = body.slice(1, -1).trim();
  if (body === '') invalid('genotype is empty: expected integers separated by commas, e.g. "1,0,3,1"');
  const tokens = body.split(/\s*,\s*|\s+/);
  return tokens.map((token, i) => {
    if (!/^[+-]?\d+$/.test(token)) {
      const looksNumeric = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(token);
      invalid(
        token === ''
          ? `genotype text "${text}": ${geneName(bounds, i)} is empty (two separators in a row?)`
          : `genotype text "${text}": ${geneName(bounds, i)} = "${token}" is not ${looksNumeric ? 'an integer' : 'a number'}`,
      );
    }
    return Number.parseInt(token, 10);
  });
}

/** Throws MstfError('INVALID_GENOTYPE') on the first gene that is missing, not an integer or out of range. */
export function checkGenes(g: unknown, bounds: readonly GeneBound[], what: string): asserts g is Genotype {
  if (!Array.isArray(g)) invalid(`genotype must be an array of ${bounds.length} integers, got ${typeof g}`);
  if (g.length !== bounds.length) {
    invalid(`genotype has ${g.length} gene${g.length === 1 ? '' : 's'}, ${what} needs ${bounds.length}`);
  }
  g.forEach((v: unknown, i) => {
    const b = bounds[i]!;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      invalid(`${geneName(bounds, i)} = ${JSON.stringify(v)} is not an integer (allowed ${b.low}..${b.high})`);
    }
    if (v < b.low || v > b.high) invalid(`${geneName(bounds, i)} = ${v} is out of range ${b.low}..${b.high}`);
  });
}

/** A uniformly random genotype within the bounds. */
export function sampleGenes(bounds: readonly GeneBound[], rng: { int(low: number, high: number): number }): Genotype {
  return bounds.map((b) => rng.int(b.low, b.high));
}

/** Number of distinct genotypes the bounds allow (a BigInt: large spaces overflow doubles' exact range). */
export function genotypeCount(bounds: readonly GeneBound[]): bigint {
  return bounds.reduce((n, b) => n * BigInt(b.high - b.low + 1), 1n);
}
