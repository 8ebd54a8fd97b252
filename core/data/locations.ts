import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'mstf-nas';

let cachedRoot: string | undefined;

/**
 * The installed package's root (the folder holding mstf's package.json), found from this module's own
 * location, so it works from the TypeScript sources, from dist/ and from node_modules/mstf-nas alike and
 * never depends on the working directory.
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME) {
          cachedRoot = dir;
          return dir;
        }
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Data shipped inside the package (`data/` at the package root): the embedded BreastMNIST 28x28. */
export function embeddedDataDir(): string {
  return path.join(packageRoot(), 'data');
}

/** The first of `candidates` that is an existing file. */
export function firstExisting(candidates: string[]): string | undefined {
  return candidates.find((c) => {
    try {
      return fs.statSync(c).isFile();
    } catch {
      return false;
    }
  });
}
