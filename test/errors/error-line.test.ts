/**
 * One normalised error line everywhere (`mstf: <code>: <message>`), unknown keys in mstf.config.json named, and
 * temporary files of killed processes cleaned up by the next run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MstfError, errorLine, oneLine } from '../../core/errors.js';
import { readConfig, bootKernel } from '../../core/kernel/loader.js';
import { resolveSettings } from '../../core/kernel/settings.js';
import { builtinPlugins } from '../../plugins/index.js';
import { removeStaleTemps } from '../../core/util/temp.js';
import { writeJsonAtomic } from '../../core/training/status.js';

describe('errorLine', () => {
  it('is `mstf: <code>: <message>` on one line for MstfErrors, system, SQLite and other errors', () => {
    expect(errorLine(new MstfError('NOT_FOUND', 'no search "x"\nsecond line'))).toBe('mstf: NOT_FOUND: no search "x"');
    const enospc = Object.assign(new Error('Error: ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(errorLine(enospc)).toBe('mstf: ENOSPC: no space left on device, write');
    let sqlite: unknown;
    try {
      new Database(':memory:').prepare('SELECT * FROM nowhere');
    } catch (e) {
      sqlite = e;
    }
    expect(errorLine(sqlite)).toBe('mstf: STORE: no such table: nowhere');
    expect(errorLine(new TypeError('x is not a function'))).toBe('mstf: INTERNAL: TypeError: x is not a function');
    expect(errorLine(new Error('Error: Error: wrapped twice'))).toBe('mstf: INTERNAL: wrapped twice');
  });

  it('elides inputs over 200 characters (a 300 kB genotype is not printed, let alone twice)', () => {
    const genotype = Array.from({ length: 150_000 }, (_, i) => i % 4).join(',');
    const line = errorLine(
      new MstfError('INVALID_GENOTYPE', `genotype ${genotype} is invalid: ${genotype} has 150000 genes`),
    );
    expect(line.length).toBeLessThan(300);
    expect(line).toBe(
      `mstf: INVALID_GENOTYPE: genotype ${genotype.slice(0, 60)}...(${genotype.length} characters) is invalid: ${genotype.slice(0, 60)}...(${genotype.length} characters) has 150000 genes`,
    );
    const word = 'a'.repeat(200);
    expect(oneLine(new MstfError('INVALID_ARGUMENT', word))).toBe(word); // 200 characters are kept whole
  });
});

describe('mstf.config.json keys', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-config-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (cfg: unknown) => fs.writeFileSync(path.join(dir, 'mstf.config.json'), JSON.stringify(cfg));

  it('an unknown top-level key is an error naming it', () => {
    write({ plugins: [], plugns: ['x'] });
    expect(() => readConfig(dir)).toThrow(
      /mstf\.config\.json: unknown key "plugns" \(known: plugins, options, pluginConfig, mcp\)$/,
    );
  });

  it('options of an unknown kind or for an extension nobody registered are errors naming them', async () => {
    write({ options: { indicatr: {} } });
    expect(() => readConfig(dir)).toThrow(/options: unknown extension kind "indicatr"/);
    write({ options: { indicator: { jacobcov: { foo: 1 } } } });
    const settings = resolveSettings({ cwd: dir });
    await expect(bootKernel({ settings, builtins: builtinPlugins })).rejects.toThrow(
      'mstf.config.json: options.indicator: no indicator "jacobcov" is registered',
    );
    write({ pluginConfig: { 'mstf-plugin-nope': {} } });
    await expect(bootKernel({ settings, builtins: builtinPlugins })).rejects.toThrow(
      'pluginConfig: no plugin "mstf-plugin-nope" is loaded',
    );
  });
});

describe('temporary files of killed processes', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-temps-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The pid of a process that has ended (a real one: pids are not invented). */
  const deadPid = async () => {
    const p = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => p.once('exit', r));
    return p.pid!;
  };

  it("a dead process's .part file is removed, a live one's kept", async () => {
    const dest = path.join(dir, 'breastmnist.npz');
    const dead = `${dest}.part-${await deadPid()}-0a1b2c3d`;
    const live = `${dest}.part-${process.ppid}-0a1b2c3d`; // our parent runs
    for (const f of [dead, live]) fs.writeFileSync(f, 'partial');
    expect(removeStaleTemps(dest, '.part-')).toEqual([dead]);
    expect(fs.existsSync(live)).toBe(true);
  });

  it('writing status.json removes the status.json.<pid>.tmp a killed training left', async () => {
    const file = path.join(dir, 'status.json');
    const left = `${file}.${await deadPid()}.tmp`;
    fs.writeFileSync(left, '{"half":');
    writeJsonAtomic(file, { state: 'running' });
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('status.json'))).toEqual(['status.json']);
  });
});
