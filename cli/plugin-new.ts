/**
 * `mstf plugin new`: copy a template from templates/<kind>/ into a new package directory, filling in the
 * package name and the extension id. The package is plain ESM JavaScript (no build step) whose only
 * dependency is mstf-nas; its tests run with `node --test`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EXTENSION_KINDS, MstfError, packageRoot } from '../core/index.js';

/** Kinds with a template (templates/<kind>/), in the order the refusal lists them. */
export const TEMPLATE_KINDS = ['indicator', 'searchSpace', 'objective', 'optimizer', 'dataset'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

const NPM_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const EXTENSION_ID = /^[a-z][a-z0-9_]*$/;

export interface NewPluginRequest {
  name: string;
  kind: string;
  /** Parent directory of the package (default: the working directory). */
  dir?: string;
  /** Extension id (default: from the name: "mstf-plugin-l1-norm" -> "l1_norm"). */
  id?: string;
  /** How the package depends on mstf-nas (default: file:<this mstf's package root>). */
  mstfSpec?: string;
  cwd: string;
}

export interface NewPluginResult {
  dir: string;
  name: string;
  kind: TemplateKind;
  id: string;
  files: string[];
  mstfSpec: string;
}

/** "mstf-plugin-l1-norm" -> "l1_norm"; "@me/mstf-plugin-x" -> "x". */
export function extensionIdFor(name: string): string {
  const base = name.replace(/^@[^/]+\//, '').replace(/^mstf-plugin-/, '');
  const id = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(id) ? id : `x_${id}`;
}

function templateFiles(root: string, rel = ''): string[] {
  return fs
    .readdirSync(path.join(root, rel), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? templateFiles(root, path.join(rel, e.name)) : [path.join(rel, e.name)]))
    .sort();
}

export function createPlugin(req: NewPluginRequest): NewPluginResult {
  if (!(TEMPLATE_KINDS as readonly string[]).includes(req.kind)) {
    // An extension kind without a template (executor, engine) is written by hand from its contract.
    const why = (EXTENSION_KINDS as readonly string[]).includes(req.kind)
      ? 'no template for this kind (write it from its contract, docs/plugins.md)'
      : 'not an extension kind';
    throw new MstfError('INVALID_ARGUMENT', `--kind ${req.kind}: ${why}; supported: ${TEMPLATE_KINDS.join(', ')}`);
  }
  const kind = req.kind as TemplateKind;
  if (!NPM_NAME.test(req.name) || req.name.length > 214) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `"${req.name}" is not a valid npm package name (lowercase letters, digits, - . _ ~, optionally @scope/)`,
    );
  }
  const id = req.id ?? extensionIdFor(req.name);
  if (!EXTENSION_ID.test(id)) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `--id ${id}: an extension id is lowercase letters, digits and _ (a letter first)`,
    );
  }
  const parent = path.resolve(req.cwd, req.dir ?? '.');
  const dir = path.join(parent, req.name.replace(/^@[^/]+\//, ''));
  if (fs.existsSync(dir)) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `${dir} already exists: choose another name or --dir (nothing was written)`,
    );
  }
  const root = packageRoot();
  const templateDir = path.join(root, 'templates', kind);
  if (!fs.existsSync(templateDir)) throw new MstfError('INTERNAL', `template folder ${templateDir} is missing`);
  const mstf = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
    engines?: { node?: string };
  };
  const mstfSpec = req.mstfSpec ?? `file:${root}`;

  const fill = (text: string) =>
    text
      .replaceAll('__PLUGIN_NAME__', req.name)
      .replaceAll('__EXTENSION_ID__', id)
      .replaceAll('__MSTF_SPEC__', mstfSpec)
      .replaceAll('__MSTF_VERSION__', mstf.version);
  const files = templateFiles(templateDir);
  fs.mkdirSync(dir, { recursive: true });
  for (const rel of files) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), fill(fs.readFileSync(path.join(templateDir, rel), 'utf8')));
  }
  const pkg = {
    name: req.name,
    version: '0.1.0',
    description: `mstf plugin: ${kind} "${id}"`,
    type: 'module',
    main: 'index.js',
    files: ['index.js', 'README.md'],
    keywords: ['mstf-plugin', `mstf-${kind}`],
    scripts: { test: 'node --test' },
    engines: { node: mstf.engines?.node ?? '>=20.19' },
    // The host mstf provides mstf-nas when the plugin is loaded (one kernel, one zod); the dev dependency is
    // the copy this package's own tests run against.
    peerDependencies: { 'mstf-nas': `^${mstf.version}` },
    devDependencies: { 'mstf-nas': mstfSpec },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  return { dir, name: req.name, kind, id, files: ['package.json', ...files], mstfSpec };
}
