import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

const example = path.join(repoRoot, 'test', 'fixtures', 'example-plugin');
const bad = path.join(repoRoot, 'test', 'fixtures', 'bad-plugins');

interface Row {
  kind: string;
  id: string;
  plugin: string;
  version: string;
  description: string;
}

describe('mstf extensions list with third-party plugins (end to end)', () => {
  it('lists built-in extensions as JSON with the documented fields', async () => {
    const r = await runCli(['extensions', 'list', '--json'], { cwd: tempDir() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(Array.isArray(rows)).toBe(true);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['kind', 'id', 'plugin', 'version', 'description']));
    }
    expect(rows.some((x) => x.id === 'layer_depth')).toBe(false);
  });

  it('loads the example plugin from mstf.config.json', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'mstf.config.json'), JSON.stringify({ plugins: [example] }));
    const r = await runCli(['extensions', 'list', '--kind', 'indicator', '--json'], { cwd });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows).toContainEqual(
      expect.objectContaining({
        kind: 'indicator',
        id: 'layer_depth',
        plugin: 'mstf-plugin-example',
        version: '1.0.0',
      }),
    );
    expect(rows.every((x) => x.kind === 'indicator')).toBe(true);
  });

  it('loads the example plugin from --plugin (relative path) and shows it in the table', async () => {
    const cwd = tempDir();
    fs.cpSync(example, path.join(cwd, 'my-plugin'), { recursive: true });
    // The copied plugin imports zod: give it the project's node_modules as a user's install would.
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(cwd, 'node_modules'));
    const r = await runCli(['extensions', 'list', '--plugin', './my-plugin'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/indicator\s+layer_depth\s+mstf-plugin-example\s+1\.0\.0/);
  });

  it('fails before any work with one line naming the plugin: duplicate id, future API, invalid options', async () => {
    const cwd = tempDir();
    const dup = await runCli(
      ['extensions', 'list', '--plugin', example, '--plugin', path.join(bad, 'duplicate-id.js')],
      { cwd },
    );
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe(
      'mstf: PLUGIN_DUPLICATE: plugin mstf-plugin-duplicate: indicator id "layer_depth" is already registered by plugin mstf-plugin-example\n',
    );
    expect(dup.stdout).toBe('');

    const future = await runCli(['extensions', 'list', '--plugin', path.join(bad, 'future-api.js')], { cwd });
    expect(future.code).toBe(1);
    expect(future.stderr).toMatch(
      /^mstf: PLUGIN_API_VERSION: plugin mstf-plugin-from-the-future: needs kernel API \^2\.0\.0, this mstf provides 1\.\d+\.\d+\n$/,
    );

    fs.writeFileSync(
      path.join(cwd, 'mstf.config.json'),
      JSON.stringify({ plugins: [example], options: { indicator: { layer_depth: { ops: ['softmax'] } } } }),
    );
    const opts = await runCli(['extensions', 'list'], { cwd });
    expect(opts.code).toBe(1);
    expect(opts.stderr).toMatch(
      /^mstf: PLUGIN_OPTIONS: plugin mstf-plugin-example: invalid options for indicator "layer_depth" \(ops\.0: .+\)\n$/,
    );
  });
});
