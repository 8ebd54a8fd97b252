/**
 * Which engine builds and runs networks: the kernel's `engine` registry entry named by Settings.engine
 * (`--engine`, MSTF_ENGINE; default `tfjs`, plugins/engine-tfjs). Core never imports an engine: every caller that
 * compiles or computes with tensors (indicator runner, trainer, exporters, evaluation workers) gets it here.
 */
import type { Engine } from '../contracts/engine.js';
import type { Kernel } from '../kernel/loader.js';

/** The engine used when Settings.engine is not set. */
export const DEFAULT_ENGINE = 'tfjs';

/** The engine `id` (default: the kernel's setting) from the kernel's registry; an unknown id is a one-line MstfError listing the known engines. */
export function engineOf(kernel: Pick<Kernel, 'registry' | 'settings'>, id?: string): Engine {
  return kernel.registry('engine').get(id ?? kernel.settings.engine ?? DEFAULT_ENGINE);
}

/** The kernel's engine with its backend (Settings.backend) started. */
export async function readyEngine(
  kernel: Pick<Kernel, 'registry' | 'settings'>,
): Promise<{ engine: Engine; backend: Awaited<ReturnType<Engine['ready']>> }> {
  const engine = engineOf(kernel);
  const backend = await engine.ready(kernel.settings.backend);
  return { engine, backend };
}
