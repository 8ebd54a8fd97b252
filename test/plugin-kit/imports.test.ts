import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/**
 * The built-in plugins are the proof of the plugin kit: each imports mstf only through its public entry point
 * (`../../core/index.js`, what `import ... from 'mstf-nas'` gives an out-of-tree plugin), its own sibling files
 * and its own npm dependencies. zod comes from the kit too (`z`), so a plugin's schemas use mstf's zod.
 */

/** Imports of another plugin's module, each with its reason. */
const CROSS_PLUGIN: Record<string, string[]> = {
  // The evaluation worker thread boots a kernel with the built-in plugin list (plugins/index.ts).
  'executor-pool/worker.ts': ['../index.js'],
  // `mstf worker` runs bullmq jobs on the same worker-thread pool as the `pool` executor.
  'executor-bullmq/worker.ts': ['../executor-pool/index.js'],
};

/** Packages a built-in plugin must take from the kit instead. */
const FROM_THE_KIT = ['zod'];

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/** The import specifiers of a plugin file that break the rule (file is relative to plugins/). */
function offenders(file: string, source: string): string[] {
  const folder = file.split('/')[0]!;
  const bad: string[] = [];
  for (const m of source.matchAll(SPECIFIER)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) {
      if (spec === '../../core/index.js') continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      if (target.startsWith(`${folder}/`)) continue;
      if (CROSS_PLUGIN[file]?.includes(spec)) continue;
      bad.push(spec);
    } else if (FROM_THE_KIT.includes(spec) || FROM_THE_KIT.some((p) => spec.startsWith(`${p}/`))) {
      bad.push(spec);
    }
  }
  return bad;
}

function pluginFiles(): string[] {
  const root = path.join(repoRoot, 'plugins');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
        out.push(path.relative(root, p).split(path.sep).join('/'));
    }
  };
  for (const e of fs.readdirSync(root, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(root, e.name));
  return out.sort();
}

describe('built-in plugins import mstf only through the public entry point', () => {
  it('the rule itself: core internals, other plugins and zod are refused; the entry point and siblings pass', () => {
    const src = [
      "import { definePlugin, z } from '../../core/index.js';",
      "import { IRBuilder } from '../../core/ir/builder.js';",
      "import type { Genotype } from '../../core/contracts/search-space.js';",
      "export { x } from '../../core/errors.js';",
      "import { cell } from './cell.js';",
      "import { deep } from './sub/deep.js';",
      "import { other } from '../space-nb201/cell.js';",
      "import { z as zz } from 'zod';",
      "import fs from 'node:fs';",
      "import { Piscina } from 'piscina';",
      "const late = await import('../../core/engine/tf.js');",
    ].join('\n');
    expect(offenders('space-demo/space.ts', src)).toEqual([
      '../../core/ir/builder.js',
      '../../core/contracts/search-space.js',
      '../../core/errors.js',
      '../space-nb201/cell.js',
      'zod',
      '../../core/engine/tf.js',
    ]);
    expect(offenders('executor-pool/worker.ts', "import { builtinPlugins } from '../index.js';")).toEqual([]);
    expect(offenders('executor-local/index.ts', "import { builtinPlugins } from '../index.js';")).toEqual([
      '../index.js',
    ]);
  });

  it('every file under plugins/<name>/ follows it', () => {
    const files = pluginFiles();
    expect(files.length).toBeGreaterThan(40);
    const byFile = files
      .map((f) => ({ file: f, bad: offenders(f, fs.readFileSync(path.join(repoRoot, 'plugins', f), 'utf8')) }))
      .filter((x) => x.bad.length > 0)
      .map((x) => `plugins/${x.file}: ${x.bad.join(', ')}`);
    expect(byFile, 'import these names from ../../core/index.js (export them there if missing)').toEqual([]);
  });
});
