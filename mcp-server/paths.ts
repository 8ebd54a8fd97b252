import fs from 'node:fs';
import path from 'node:path';
import { MstfError } from '../core/errors.js';

/**
 * Where MCP tool input may point: the workspace (the server's working directory) and the data directory.
 * An assistant names files on behalf of a user who did not type them, so every path is resolved to its real
 * location (symlinks followed, `..` removed) and refused when it lands outside both roots. Nothing outside
 * them is read or written.
 */
export class PathGuard {
  private readonly roots: { label: string; real: string }[];

  constructor(workspace: string, dataDir: string) {
    this.roots = [
      { label: 'the workspace', real: realPathOfMaybeMissing(path.resolve(workspace)) },
      { label: 'the data directory', real: realPathOfMaybeMissing(path.resolve(dataDir)) },
    ];
  }

  /** The two roots, for messages and docs. */
  get allowed(): { label: string; path: string }[] {
    return this.roots.map((r) => ({ label: r.label, path: r.real }));
  }

  /**
   * The real absolute path of `input` (relative paths are taken from the workspace), or an
   * INVALID_ARGUMENT error naming the field when it is outside both roots.
   */
  resolve(field: string, input: string): string {
    if (typeof input !== 'string' || input.trim() === '') {
      throw new MstfError('INVALID_ARGUMENT', `${field}: expected a path, got ${JSON.stringify(input)}`);
    }
    if (input.includes('\0')) throw new MstfError('INVALID_ARGUMENT', `${field}: the path contains a NUL byte`);
    const real = realPathOfMaybeMissing(path.resolve(this.roots[0]!.real, input));
    if (!this.roots.some((r) => isInside(real, r.real))) {
      const where = this.roots.map((r) => `${r.label} (${r.real})`).join(' or ');
      throw new MstfError('INVALID_ARGUMENT', `${field}: ${input} is outside ${where}; refused`);
    }
    return real;
  }
}

/** True when `p` is `root` or below it (both already real and absolute). */
export function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * realpath of the deepest existing ancestor, with the missing tail appended: a directory that does not
 * exist yet (an output folder) is judged by where it would be created, so a symlinked parent cannot lead
 * outside the roots.
 */
export function realPathOfMaybeMissing(abs: string): string {
  const tail: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(cur), ...tail.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      tail.push(path.basename(cur));
      cur = parent;
    }
  }
}
