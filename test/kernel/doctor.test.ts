import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

describe('mstf doctor', () => {
  it('reports Node, the backend decision with skipped backends, data and store locations', async () => {
    const cwd = tempDir();
    const r = await runCli(['doctor', '--json', '--data-dir', 'my-data'], { cwd, env: { MSTF_BACKEND: '' } });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.node.version).toBe(process.versions.node);
    expect(d.node.ok).toBe(true);
    // No tfjs-node here (optional dependency whose install needs a download): wasm is chosen, tensorflow skipped.
    expect(d.backend.ok).toBe(true);
    expect(['tensorflow', 'wasm']).toContain(d.backend.name);
    if (d.backend.name === 'wasm') {
      expect(d.backend.skipped.map((s: { name: string }) => s.name)).toEqual(['tensorflow']);
      expect(d.backend.skipped[0].why).toMatch(/not installed|does not match|failed/);
    }
    expect(d.data.dir).toBe(`${cwd}/my-data`);
    expect(d.data.presentDatasets).toContain('breastmnist'); // the embedded copy
    expect(d.store.path).toBe(`${cwd}/.mstf/mstf.db`);
  });

  it('honours MSTF_BACKEND and fails clearly for an unavailable explicit choice', async () => {
    const cpu = await runCli(['doctor', '--json'], { cwd: tempDir(), env: { MSTF_BACKEND: 'cpu' } });
    expect(JSON.parse(cpu.stdout).backend).toMatchObject({ name: 'cpu', ok: true });
    const bogus = await runCli(['doctor', '--backend', 'cuda9000'], { cwd: tempDir() });
    expect(bogus.code).toBe(1);
    expect(bogus.stdout).toMatch(/!! backend\s+none: unknown backend "cuda9000": use auto, tensorflow, wasm, cpu/);
  });
});
