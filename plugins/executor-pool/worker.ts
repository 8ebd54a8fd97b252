/**
 * One pool thread: its own tfjs backend and kernel (built-ins plus the coordinator's plugins), rebuilt from
 * the EvaluationSpec of each task. Errors come back as data so their code survives the thread boundary.
 */
import 'reflect-metadata';
import type { MessagePort } from 'node:worker_threads';
import {
  isMstfError,
  oneLine,
  EvaluationRuntime,
  type CandidateEvaluation,
  type EvaluationSpec,
} from '../../core/index.js';
import { builtinPlugins } from '../index.js';

export interface PoolTask {
  spec: EvaluationSpec;
  genotype: string;
  /** Receives {indicator, index, total} before each indicator (MCP progress notifications). */
  progress?: MessagePort;
}
export type PoolReply = { row: CandidateEvaluation } | { error: { code: string; message: string } };

const runtime = new EvaluationRuntime(builtinPlugins);

export default async function evaluateTask(task: PoolTask): Promise<PoolReply> {
  try {
    const row = await runtime.evaluate(
      task.spec,
      task.genotype,
      task.progress ? (e) => task.progress!.postMessage(e) : undefined,
    );
    return { row };
  } catch (e) {
    return { error: { code: isMstfError(e) ? e.code : 'INTERNAL', message: oneLine(e) } };
  } finally {
    // The reply travels on another port: this last message tells the caller every progress message is in.
    task.progress?.postMessage({ done: true });
    task.progress?.close();
  }
}
