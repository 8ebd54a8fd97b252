import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MedMnistDataset } from '../../plugins/dataset-medmnist/medmnist.js';
import { MEDMNIST_SUBSETS, fileNameFor, officialUrl } from '../../plugins/dataset-medmnist/subsets.js';
import medmnistPlugin from '../../plugins/dataset-medmnist/index.js';
import { bootKernel } from '../../core/kernel/loader.js';
import { loadSplit } from '../../core/data/batch.js';
import { MstfError } from '../../core/errors.js';
import { REPO, SHARED_MEDMNIST } from './paths.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-medmnist-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const subset = (flag: string) => new MedMnistDataset(MEDMNIST_SUBSETS.find((s) => s.flag === flag)!);

describe('MedMNIST subsets (facts from the official medmnist/info.py and the paper)', () => {
  it('has the twelve 2D subsets with the tasks of Table I', () => {
    const tasks = Object.fromEntries(MEDMNIST_SUBSETS.map((s) => [s.flag, `${s.task}(${s.labels.length})`]));
    expect(tasks).toEqual({
      pathmnist: 'multi-class(9)',
      chestmnist: 'multi-label(14)',
      dermamnist: 'multi-class(7)',
      octmnist: 'multi-class(4)',
      pneumoniamnist: 'binary-class(2)',
      retinamnist: 'ordinal-regression(5)',
      breastmnist: 'binary-class(2)',
      bloodmnist: 'multi-class(8)',
      tissuemnist: 'multi-class(8)',
      organamnist: 'multi-class(11)',
      organcmnist: 'multi-class(11)',
      organsmnist: 'multi-class(11)',
    });
  });

  it('label names as the official INFO dict', () => {
    const get = (f: string) => MEDMNIST_SUBSETS.find((s) => s.flag === f)!.labels;
    expect(get('breastmnist')).toEqual(['malignant', 'normal, benign']);
    expect(get('pneumoniamnist')).toEqual(['normal', 'pneumonia']);
    expect(get('retinamnist')).toEqual(['0', '1', '2', '3', '4']);
    expect(get('chestmnist')[0]).toBe('atelectasis');
    expect(get('chestmnist')[13]).toBe('hernia');
    expect(get('pathmnist')[8]).toBe('colorectal adenocarcinoma epithelium');
  });

  it('28x28 MD5s match SOURCES.md (current Zenodo record 10519652)', () => {
    const md5 = Object.fromEntries(MEDMNIST_SUBSETS.map((s) => [s.flag, s.md5[28]]));
    expect(md5).toMatchObject({
      pathmnist: 'a8b06965200029087d5bd730944a56c1',
      chestmnist: '02c8a6516a18b556561a56cbdd36c4a8',
      dermamnist: '0744692d530f8e62ec473284d019b0c7',
      octmnist: 'c68d92d5b585d8d81f7112f81e2d0842',
      pneumoniamnist: '28209eda62fecd6e6a2d98b1501bb15f',
      retinamnist: 'bd4c0672f1bba3e3a89f0e4e876791e4',
      breastmnist: '750601b1f35ba3300ea97c75c52ff8f6',
      bloodmnist: '7053d0359d879ad8a5505303e11de1dc',
      tissuemnist: 'ebe78ee8b05294063de985d821c1c34b',
      organamnist: '68e3f8846a6bd62f0c9bf841c0d9eacc',
      organcmnist: 'b9ceb9546e10131b32923c5bbeaea2b1',
      organsmnist: '9ab87b696fb54e2a387ebe992d6ed5f1',
    });
    const breast = MEDMNIST_SUBSETS.find((s) => s.flag === 'breastmnist')!.md5;
    expect(breast[64]).toBe('742edef2a1fd1524b2efff4bd7ba9364');
    expect(breast[224]).toBe('b56378a6eefa9fed602bb16d192d4c8b');
  });

  it('file names and official URLs', () => {
    expect(fileNameFor('pathmnist', 28)).toBe('pathmnist.npz');
    expect(fileNameFor('pathmnist', 128)).toBe('pathmnist_128.npz');
    expect(officialUrl('breastmnist', 28)).toBe('https://zenodo.org/records/10519652/files/breastmnist.npz?download=1');
    expect(officialUrl('breastmnist', 64)).toBe(
      'https://zenodo.org/records/10519652/files/breastmnist_64.npz?download=1',
    );
  });

  it('paper split sizes (Table I) are kept beside the file split sizes', () => {
    const table1: Record<string, [number, number, number]> = {
      pathmnist: [89996, 10004, 7180],
      chestmnist: [78468, 1219, 22433],
      organcmnist: [13000, 239, 8268],
      breastmnist: [546, 78, 156],
    };
    for (const [flag, [tr, va, te]] of Object.entries(table1)) {
      expect(MEDMNIST_SUBSETS.find((s) => s.flag === flag)!.paperSplits).toEqual({ train: tr, val: va, test: te });
    }
  });
});

describe('MedMNIST dataset loading', () => {
  it('loads a split from the data directory (official-root layout) as NHWC uint8 + labels', async () => {
    const retina = subset('retinamnist');
    const d = await retina.load('val', { dataDir: SHARED_MEDMNIST });
    expect(d.shape).toEqual([120, 28, 28, 3]);
    expect(d.labelWidth).toBe(1);
    expect(d.images.length).toBe(120 * 28 * 28 * 3);
    const counts = [0, 0, 0, 0, 0];
    for (const l of d.labels) counts[l]!++;
    expect(counts).toEqual([54, 12, 28, 20, 6]);
  });

  it('prefers <dataDir>/medmnist/ and falls back to the embedded BreastMNIST', async () => {
    const breast = subset('breastmnist');
    const empty = path.join(tmp, 'empty');
    const f = breast.locate({ dataDir: empty }, 28)!;
    expect(f.embedded).toBe(true);
    expect(f.path).toBe(path.join(REPO, 'data', 'medmnist', 'breastmnist.npz'));
    const d = await breast.load('test', { dataDir: empty });
    expect(d.shape).toEqual([156, 28, 28, 1]);
    // A copy in <dataDir>/medmnist wins over the embedded one.
    const own = path.join(tmp, 'own');
    fs.mkdirSync(path.join(own, 'medmnist'), { recursive: true });
    fs.copyFileSync(path.join(SHARED_MEDMNIST, 'breastmnist.npz'), path.join(own, 'medmnist', 'breastmnist.npz'));
    expect(breast.locate({ dataDir: own }, 28)).toEqual({
      size: 28,
      path: path.join(own, 'medmnist', 'breastmnist.npz'),
      embedded: false,
    });
  });

  it('missing files -> DATA_NOT_FOUND telling the fetch command', async () => {
    const dir = path.join(tmp, 'nothing');
    await expect(subset('pathmnist').load('train', { dataDir: dir })).rejects.toThrow(
      `pathmnist (28x28) is not in ${path.join(dir, 'medmnist')}: run \`mstf datasets fetch pathmnist\``,
    );
    await expect(subset('breastmnist').load('train', { dataDir: dir }, { size: 64 })).rejects.toThrow(
      /breastmnist \(64x64\) is not in .*: run `mstf datasets fetch breastmnist --size 64`/,
    );
    await expect(subset('breastmnist').load('train', { dataDir: dir }, { size: 32 })).rejects.toThrow(
      /no 32x32 version/,
    );
  });

  it('a file with the wrong channels for the subset -> DATA_CORRUPT', async () => {
    // retinamnist (RGB) renamed as bloodmnist is fine (RGB 28); as pneumoniamnist (gray) it is not.
    const dir = path.join(tmp, 'wrong');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(SHARED_MEDMNIST, 'retinamnist.npz'), path.join(dir, 'pneumoniamnist.npz'));
    const err = await subset('pneumoniamnist')
      .load('train', { dataDir: dir })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MstfError);
    expect((err as MstfError).code).toBe('DATA_CORRUPT');
    expect((err as MstfError).message).toMatch(/images have shape \(1080, 28, 28, 3\), expected \(N, 28, 28\)/);
  });

  it('normalises as the official recipe: x/255 then (x-0.5)/0.5', () => {
    const out = subset('breastmnist').normalise(Uint8Array.from([0, 255, 51, 102]));
    expect(out[0]).toBe(-1);
    expect(out[1]).toBe(1);
    expect(out[2]).toBeCloseTo(51 / 255 / 0.5 - 1, 6); // -0.6
    expect(out[2]).toBeCloseTo(-0.6, 6);
    expect(out[3]).toBeCloseTo(-0.2, 6);
  });

  it('loadSplit uses the registry, the data dir and the configured options', async () => {
    const kernel = await bootKernel({
      settings: { cwd: tmp, dataDir: SHARED_MEDMNIST, storePath: path.join(tmp, 'x.db') },
      builtins: [medmnistPlugin],
      config: {},
    });
    const { dataset, data } = await loadSplit(kernel, 'pneumoniamnist', 'test');
    expect(dataset.id).toBe('pneumoniamnist');
    expect(data.shape).toEqual([624, 28, 28, 1]);
    expect(kernel.optionsOf('dataset', 'pneumoniamnist')).toEqual({ size: 28 });
    await expect(loadSplit(kernel, 'pneumoniamnist', 'test', { size: 64 })).rejects.toThrow(
      /pneumoniamnist \(64x64\) is not in/,
    );
  });
});
