import type { ExtensionBase } from './extension.js';

export type TaskType = 'binary-class' | 'multi-class' | 'multi-label' | 'ordinal-regression';
export type Split = 'train' | 'val' | 'test';

export interface DatasetInfo {
  id: string;
  task: TaskType;
  /** Number of classes (multi-label: number of labels). */
  classes: number;
  labelNames: string[];
  channels: number;
  splits: Record<Split, number>;
  /** Image sizes available (square). */
  sizes: number[];
  description: string;
  license?: string;
}

/** One split in memory, engine-agnostic: raw uint8 pixels NHWC and integer labels [N, labelWidth]. */
export interface SplitData {
  images: Uint8Array;
  shape: [number, number, number, number];
  labels: Int32Array;
  labelWidth: number;
}

/** A batch ready for a network: float32 NHWC normalised as the dataset's recipe says. */
export interface Batch {
  x: Float32Array;
  shape: [number, number, number, number];
  labels: Int32Array;
  labelWidth: number;
  task: TaskType;
  classes: number;
}

export interface DataLocation {
  /** Directory holding downloaded/converted data (from --data-dir / MSTF_DATA_DIR / per-user cache). */
  dataDir: string;
}

export interface Dataset<Options = unknown> extends ExtensionBase<Options> {
  readonly kind: 'dataset';
  readonly info: DatasetInfo;
  /** Whether the split files are present locally (no download). */
  isPresent(loc: DataLocation, size?: number): boolean;
  load(split: Split, loc: DataLocation, opts?: { size?: number }): Promise<SplitData>;
  /** Pixels -> float32 as the official recipe (MedMNIST: /255, then (x - 0.5) / 0.5). */
  normalise(images: Uint8Array): Float32Array;
}
