/**
 * Debian's python3-torch as an independent reference. Tests that need it FAIL with one line naming the
 * package when it is missing under CI (which installs it); elsewhere they are reported as skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

export function torchAvailable(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 });
  return r.status === 0;
}

/** True when torch tests must run; throws (one line) under CI=true without torch. */
export function requireTorch(): boolean {
  if (torchAvailable()) return true;
  if (process.env.CI === 'true')
    throw new Error(`${PYTHON} cannot import torch: install the Debian package python3-torch`);
  return false;
}

/** Run a Python script with arguments; its stdout parsed as JSON. */
export function runPython(script: string, args: string[]): any {
  const out = execFileSync(PYTHON, ['-c', script, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/**
 * Import an exported .py by path, build it (weights loaded when exported with some), count parameters
 * and MACs, and run float32 NCHW inputs (a raw little-endian file) through it in eval mode.
 */
export const EXPORTED_PY = `
import importlib.util, json, sys
import torch
spec = importlib.util.spec_from_file_location('exported', sys.argv[1])
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
net = m.build()
res = {'params': sum(p.numel() for p in net.parameters()), 'macs': m.count_macs(net)}
if len(sys.argv) > 2:
    n = int(sys.argv[3])
    x = torch.frombuffer(bytearray(open(sys.argv[2], 'rb').read()), dtype=torch.float32).reshape(n, *m.INPUT_SHAPE)
    with torch.no_grad():
        res['logits'] = net(x).reshape(-1).tolist()
print(json.dumps(res))
`;
