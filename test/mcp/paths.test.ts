import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathGuard, isInside } from '../../mcp-server/paths.js';
import { schemaErrorLine } from '../../mcp-server/result.js';

describe('PathGuard: tool input stays in the workspace and the data directory', () => {
  let tmp: string;
  let ws: string;
  let data: string;
  let outside: string;
  let guard: PathGuard;

  beforeAll(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-guard-')));
    ws = path.join(tmp, 'workspace');
    data = path.join(tmp, 'data');
    outside = path.join(tmp, 'outside');
    for (const d of [ws, data, outside]) fs.mkdirSync(d);
    fs.symlinkSync(outside, path.join(ws, 'escape'));
    fs.mkdirSync(path.join(data, 'medmnist'));
    fs.symlinkSync(path.join(data, 'medmnist'), path.join(ws, 'to-data'));
    guard = new PathGuard(ws, data);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('accepts paths in the workspace (existing or not) and resolves them relative to it', () => {
    expect(guard.resolve('out', 'runs/new/dir')).toBe(path.join(ws, 'runs', 'new', 'dir'));
    expect(guard.resolve('out', ws)).toBe(ws);
    expect(guard.resolve('out', './a/../b')).toBe(path.join(ws, 'b'));
  });

  it('accepts the data directory and below it, also through a link in the workspace', () => {
    expect(guard.resolve('dataDir', data)).toBe(data);
    expect(guard.resolve('dataDir', path.join(data, 'medmnist', 'x.npz'))).toBe(path.join(data, 'medmnist', 'x.npz'));
    expect(guard.resolve('dataDir', 'to-data')).toBe(path.join(data, 'medmnist'));
  });

  it('refuses .. escapes, absolute paths elsewhere and symlinks that lead outside', () => {
    expect(() => guard.resolve('out', '../outside/x')).toThrow(/^out: \.\.\/outside\/x is outside the workspace/);
    expect(() => guard.resolve('dataDir', '/etc')).toThrow(
      /dataDir: \/etc is outside the workspace .* or the data directory/,
    );
    expect(() => guard.resolve('out', 'escape/new-file')).toThrow(/escape\/new-file is outside/);
    expect(() => guard.resolve('out', '')).toThrow(/out: expected a path/);
    // A sibling whose name starts like a root is not inside it.
    expect(isInside(`${ws}-other`, ws)).toBe(false);
    expect(isInside(path.join(ws, '..', 'workspace', 'a'), ws)).toBe(true);
  });
});

describe('schemaErrorLine', () => {
  it("shortens the SDK's multi-line schema error to its first issue, named by path", () => {
    const sdk =
      'MCP error -32602: Input validation error: Invalid arguments for tool start_search: population must be at least 1 at population\n' +
      'Invalid input: expected string, received number at dataset';
    expect(schemaErrorLine(sdk)).toBe(
      'start_search: invalid arguments: population must be at least 1 (and 1 more problem)',
    );
    expect(
      schemaErrorLine(
        'MCP error -32602: Input validation error: Invalid arguments for tool t: Too small: expected number to be >=1 at epochs',
      ),
    ).toBe('t: invalid arguments: epochs: Too small: expected number to be >=1');
    expect(schemaErrorLine('MCP error -32602: Tool nope not found')).toBe('Tool nope not found');
  });
});
