/**
 * Backend resolution: `tensorflow` (tfjs-node-gpu when CUDA is present, else tfjs-node, whichever is
 * installed) -> `wasm` with the project's training kernels -> `cpu` (pure JS, ~150x slower to train).
 * The choice comes from `--backend` (Settings.backend) or MSTF_BACKEND; an explicit choice that is not
 * available fails with MstfError('BACKEND_UNAVAILABLE', why).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { tf } from './tf.js';
import { registerWasmTrainingKernels, wasmKernelsIncompatibility } from './wasm-kernels/index.js';
import { MstfError } from '../../core/index.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendDecision {
  name: BackendName;
  /** One line: what was chosen and why. */
  reason: string;
  /** Backends tried before the chosen one (automatic choice only), with the reason each was skipped. */
  skipped: { name: string; why: string }[];
}

const require = createRequire(import.meta.url);

function installedVersion(pkg: string): string | undefined {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** Signs of a CUDA runtime: CUDA_PATH/CUDA_HOME, libcudart in the usual places, or nvidia-smi on PATH. */
export function cudaEvidence(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const key of ['CUDA_PATH', 'CUDA_HOME'] as const) {
    const dir = env[key];
    if (dir && existsSync(dir)) return `${key}=${dir}`;
  }
  const libDirs = [
    '/usr/local/cuda/lib64',
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib64',
    '/usr/lib/aarch64-linux-gnu',
    ...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
  ];
  for (const dir of libDirs) {
    for (const lib of ['libcudart.so', 'libcudart.so.11.0', 'libcudart.so.12']) {
      if (existsSync(path.join(dir, lib))) return path.join(dir, lib);
    }
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    if (existsSync(path.join(dir, 'nvidia-smi'))) return path.join(dir, 'nvidia-smi');
  }
  return undefined;
}

/** Which tfjs-node package to use, or why none can be. */
function tensorflowPackage(env: NodeJS.ProcessEnv): { pkg: string; note: string } | { why: string } {
  const cuda = cudaEvidence(env);
  const gpu = installedVersion('@tensorflow/tfjs-node-gpu');
  const cpu = installedVersion('@tensorflow/tfjs-node');
  const candidates: { pkg: string; version: string; note: string }[] = [];
  if (cuda && gpu) candidates.push({ pkg: '@tensorflow/tfjs-node-gpu', version: gpu, note: `CUDA found (${cuda})` });
  if (cpu)
    candidates.push({
      pkg: '@tensorflow/tfjs-node',
      version: cpu,
      note: cuda ? 'CUDA found but tfjs-node-gpu not installed' : 'no CUDA',
    });
  if (candidates.length === 0) {
    const gpuNote = gpu && !cuda ? ' (@tensorflow/tfjs-node-gpu is installed but no CUDA runtime was found)' : '';
    return {
      why: `@tensorflow/tfjs-node${cuda ? '-gpu' : ''} is not installed (optional dependency; its install downloads libtensorflow)${gpuNote}`,
    };
  }
  const c = candidates[0]!;
  if (c.version !== tf.version_core) {
    return {
      why: `${c.pkg} ${c.version} does not match tfjs-core ${tf.version_core} (all @tensorflow packages must be one version)`,
    };
  }
  return { pkg: c.pkg, note: c.note };
}

function describe(name: BackendName, env: NodeJS.ProcessEnv): string {
  if (name === 'tensorflow') {
    const t = tensorflowPackage(env);
    return 'why' in t ? 'tensorflow' : `tensorflow via ${t.pkg} (${t.note})`;
  }
  if (name === 'wasm') return `wasm with the mstf training kernels (tfjs ${tf.version_core})`;
  return 'cpu (pure JavaScript; slow to train)';
}

/** Synchronous part of the decision: which backends look usable, from what is installed. */
export function resolveBackend(choice?: string, env: NodeJS.ProcessEnv = process.env): BackendDecision {
  const wanted = normaliseChoice(choice ?? env.MSTF_BACKEND);
  const skipped: BackendDecision['skipped'] = [];
  const check = (name: BackendName): string | undefined => {
    if (name === 'tensorflow') {
      const t = tensorflowPackage(env);
      return 'why' in t ? t.why : undefined;
    }
    if (name === 'wasm') {
      const version = installedVersion('@tensorflow/tfjs-backend-wasm');
      if (!version) return '@tensorflow/tfjs-backend-wasm is not installed';
      return wasmKernelsIncompatibility(version);
    }
    return undefined;
  };
  if (wanted !== 'auto') {
    const why = check(wanted);
    if (why) throw new MstfError('BACKEND_UNAVAILABLE', `backend "${wanted}" is not available: ${why}`);
    return { name: wanted, reason: `${describe(wanted, env)}, as requested`, skipped };
  }
  for (const name of BACKEND_NAMES) {
    const why = check(name);
    if (!why) return { name, reason: `${describe(name, env)}, chosen automatically`, skipped };
    skipped.push({ name, why });
  }
  throw new MstfError('INTERNAL', 'no tfjs backend is available (the cpu backend should always be)');
}

function normaliseChoice(choice: string | undefined): BackendName | 'auto' {
  const c = (choice ?? 'auto').trim().toLowerCase();
  if (c === '' || c === 'auto') return 'auto';
  if ((BACKEND_NAMES as readonly string[]).includes(c)) return c as BackendName;
  throw new MstfError('INVALID_ARGUMENT', `unknown backend "${choice}": use auto, ${BACKEND_NAMES.join(', ')}`);
}

/** Load and initialise one backend; returns why it failed, or undefined. */
async function activate(name: BackendName, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    if (name === 'tensorflow') {
      const t = tensorflowPackage(env);
      if ('why' in t) return t.why;
      if (!tf.findBackend('tensorflow')) await import(t.pkg);
      if (!(await tf.setBackend('tensorflow')))
        return `${t.pkg} loaded but the 'tensorflow' backend failed to initialise`;
      return undefined;
    }
    if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const why = wasmKernelsIncompatibility(wasm.version_wasm);
      if (why) return why;
      registerWasmTrainingKernels(wasm.version_wasm);
      if (!(await tf.setBackend('wasm'))) return 'the wasm binary failed to load';
      return undefined;
    }
    if (!(await tf.setBackend('cpu'))) return 'the cpu backend failed to initialise';
    return undefined;
  } catch (e) {
    return `${(e as Error).message.split('\n')[0]}`;
  }
}

const decisions = new Map<string, Promise<BackendDecision>>();

/**
 * Resolve and activate the backend (tf.setBackend). Idempotent per process and choice: later calls with
 * the same choice reuse the decision and only switch tfjs back to it if something else was set meanwhile.
 * Tensors belong to the backend that made them: dispose them before switching.
 */
export async function ensureBackend(choice?: string, env: NodeJS.ProcessEnv = process.env): Promise<BackendDecision> {
  const key = normaliseChoice(choice ?? env.MSTF_BACKEND);
  let pending = decisions.get(key);
  if (!pending) {
    pending = decide(key, env);
    decisions.set(key, pending);
    pending.catch(() => decisions.delete(key));
  }
  const decision = await pending;
  if (tf.getBackend() !== decision.name) await tf.setBackend(decision.name);
  return decision;
}

async function decide(wanted: BackendName | 'auto', env: NodeJS.ProcessEnv): Promise<BackendDecision> {
  const first = resolveBackend(wanted, env); // throws BACKEND_UNAVAILABLE for a bad explicit choice
  if (wanted !== 'auto') {
    const why = await activate(wanted, env);
    if (why) throw new MstfError('BACKEND_UNAVAILABLE', `backend "${wanted}" is not available: ${why}`);
    return first;
  }
  const skipped = [...first.skipped];
  for (const name of BACKEND_NAMES.slice(BACKEND_NAMES.indexOf(first.name))) {
    const why = await activate(name, env);
    if (!why) {
      const reason = name === first.name ? first.reason : `${describe(name, env)}, chosen automatically`;
      return { name, reason, skipped };
    }
    skipped.push({ name, why });
  }
  throw new MstfError(
    'BACKEND_UNAVAILABLE',
    `no backend could be started: ${skipped.map((s) => `${s.name}: ${s.why}`).join('; ')}`,
  );
}
