// @ts-check
// __PLUGIN_NAME__: an mstf plugin providing the dataset "__EXTENSION_ID__" (created by `mstf plugin new`).
// Plain ESM JavaScript, no build step; `// @ts-check` and the JSDoc types give an editor mstf's types.
// Everything comes from 'mstf-nas' (the kit): the .npy reader and the resizer included, no other dependency.
import fs from 'node:fs';
import path from 'node:path';
import { defineDataset, definePlugin, MstfError, parseNpy, resizeImage } from 'mstf-nas';

// ---- Your dataset: edit these facts (they are what `mstf datasets info __EXTENSION_ID__` shows). ----

/** Class names; label k is LABEL_NAMES[k], and the images of class k live in a folder of that name. */
export const LABEL_NAMES = ['normal', 'abnormal'];
/** 1 (grayscale) or 3 (RGB). */
export const CHANNELS = 1;
/** Square sizes a search or a training may ask for (the first is the default); images are resized to it. */
export const SIZES = [28, 64];
/** Images per split; `load` checks the folders hold exactly this many (so `info` never lies). */
export const SPLITS = { train: 8, val: 4, test: 4 };
export const DESCRIPTION = 'my medical images (template dataset of __PLUGIN_NAME__)';

// ---- The image-folder reader. ----

/** @typedef {import('mstf-nas').DataLocation} DataLocation */
/** @typedef {import('mstf-nas').Split} Split */

const SPLIT_NAMES = /** @type {const} */ (['train', 'val', 'test']);

/** (v / 255 - 0.5) / 0.5 for every byte value v, computed once: pixels in [-1, 1]. */
const NORMALISED = Float32Array.from({ length: 256 }, (_, v) => (v / 255 - 0.5) / 0.5);

/** `<dataDir>/__EXTENSION_ID__`: the folder holding train/, val/ and test/. */
export function rootDir(/** @type {DataLocation} */ loc) {
  return path.join(loc.dataDir, '__EXTENSION_ID__');
}

function isDir(/** @type {string} */ p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * One image file: a numpy .npy array of dtype uint8, shape (H, W) or (H, W, CHANNELS), any H and W
 * (`np.save(path, image)`), resized to `size` x `size` (area averaging when shrinking, bilinear when enlarging).
 * @param {string} file
 * @param {number} size
 * @returns {Uint8Array} size * size * CHANNELS bytes, HWC
 */
export function readImage(file, size) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new MstfError('DATA_NOT_FOUND', `${file}: cannot read (${/** @type {Error} */ (e).message})`);
  }
  const arr = parseNpy(bytes, file); // a damaged file is one DATA_CORRUPT line naming it
  const s = arr.shape;
  const channels = s.length === 2 ? 1 : s.length === 3 ? (s[2] ?? -1) : -1;
  if (arr.dtype !== 'u1' || channels !== CHANNELS) {
    throw new MstfError(
      'DATA_CORRUPT',
      `${file}: dtype ${arr.dtype}, shape (${s.join(', ')}); expected uint8 (H, W${CHANNELS === 1 ? '' : `, ${CHANNELS}`})`,
    );
  }
  const [height = 0, width = 0] = s;
  const img = { data: /** @type {Uint8Array} */ (arr.data), height, width, channels };
  return height === size && width === size ? img.data : resizeImage(img, size, size).data;
}

/**
 * __EXTENSION_ID__: images in folders, one folder per split and class, one .npy file per image:
 *
 *     <dataDir>/__EXTENSION_ID__/train/<class name>/<any name>.npy
 *     <dataDir>/__EXTENSION_ID__/val/<class name>/...
 *     <dataDir>/__EXTENSION_ID__/test/<class name>/...
 *
 * (<dataDir>: --data-dir, MSTF_DATA_DIR or mstf's per-user cache). Examples are ordered by class, then by
 * file name. Normalisation is MedMNIST's recipe: x / 255, then (x - 0.5) / 0.5, i.e. pixels in [-1, 1].
 */
export const dataset = Object.assign(
  defineDataset({
    id: '__EXTENSION_ID__',
    description: DESCRIPTION,
    info: {
      id: '__EXTENSION_ID__',
      task: LABEL_NAMES.length === 2 ? 'binary-class' : 'multi-class',
      classes: LABEL_NAMES.length,
      labelNames: [...LABEL_NAMES],
      channels: CHANNELS,
      splits: { ...SPLITS },
      sizes: [...SIZES],
      description: DESCRIPTION,
    },

    isPresent(loc, size = SIZES[0]) {
      return size !== undefined && SIZES.includes(size) && SPLIT_NAMES.every((s) => isDir(path.join(rootDir(loc), s)));
    },

    async load(split, loc, opts = {}) {
      const size = opts.size ?? SIZES[0] ?? 28;
      if (!SIZES.includes(size)) {
        throw new MstfError(
          'INVALID_ARGUMENT',
          `__EXTENSION_ID__ has no ${size}x${size} version (sizes: ${SIZES.join(', ')})`,
        );
      }
      if (!SPLIT_NAMES.includes(split)) {
        throw new MstfError('INVALID_ARGUMENT', `unknown split "${String(split)}" (train, val, test)`);
      }
      const dir = path.join(rootDir(loc), split);
      if (!isDir(dir)) {
        throw new MstfError(
          'DATA_NOT_FOUND',
          `${dir} is missing: put the ${split} images there as <class>/<name>.npy (classes: ${LABEL_NAMES.join(', ')})`,
        );
      }
      for (const name of fs.readdirSync(dir)) {
        if (!name.startsWith('.') && !LABEL_NAMES.includes(name)) {
          throw new MstfError(
            'DATA_CORRUPT',
            `${path.join(dir, name)}: not a class folder (classes: ${LABEL_NAMES.join(', ')})`,
          );
        }
      }
      /** @type {Uint8Array[]} */
      const images = [];
      /** @type {number[]} */
      const labels = [];
      LABEL_NAMES.forEach((label, k) => {
        const classDir = path.join(dir, label);
        if (!isDir(classDir)) return; // a class may be absent from a split
        for (const name of fs.readdirSync(classDir).sort()) {
          if (name.startsWith('.')) continue;
          const file = path.join(classDir, name);
          if (!name.endsWith('.npy')) {
            throw new MstfError('DATA_CORRUPT', `${file}: not a .npy image (save each image with numpy.save as uint8)`);
          }
          images.push(readImage(file, size));
          labels.push(k);
        }
      });
      const expected = SPLITS[split];
      if (images.length !== expected) {
        throw new MstfError(
          'DATA_CORRUPT',
          `${dir}: ${images.length} images, but SPLITS.${split} in index.js says ${expected} (update it)`,
        );
      }
      const per = size * size * CHANNELS;
      const pixels = new Uint8Array(images.length * per);
      images.forEach((img, i) => {
        pixels.set(img, i * per);
      });
      return {
        images: pixels,
        shape: [images.length, size, size, CHANNELS],
        labels: Int32Array.from(labels),
        labelWidth: 1,
      };
    },

    normalise(images) {
      const out = new Float32Array(images.length);
      for (let i = 0; i < images.length; i++) out[i] = NORMALISED[images[i] ?? 0] ?? 0;
      return out;
    },
  }),
  // Optional storage members (mstf's DatasetStorage): where `mstf datasets list/info` find the data, and the
  // sentence `mstf datasets fetch` prints instead of downloading.
  {
    /** @param {DataLocation} loc @param {number} size */
    locate(loc, size) {
      return dataset.isPresent(loc, size) ? { size, path: rootDir(loc), embedded: false } : undefined;
    },
    /** @param {number} _size @returns {{ manual: string }} */
    remote(_size) {
      return {
        manual: `put your images in <data dir>/__EXTENSION_ID__/<train|val|test>/<class>/<name>.npy (uint8, numpy.save)`,
      };
    },
    /** @param {DataLocation} loc @param {number} _size */
    fetchPath(loc, _size) {
      return rootDir(loc);
    },
    details() {
      return {
        labels: Object.fromEntries(LABEL_NAMES.map((l, i) => [String(i), l])),
        layout: '<data dir>/__EXTENSION_ID__/<train|val|test>/<class>/<name>.npy, uint8 (H, W) or (H, W, C)',
        preprocessing: 'resized to the size asked (area / bilinear); x/255, then (x-0.5)/0.5',
      };
    },
  },
);

export default definePlugin({
  name: '__PLUGIN_NAME__',
  version: '0.1.0',
  apiVersion: '^1.0.0',
  provides: { dataset: ['__EXTENSION_ID__'] },
  register(ctx) {
    ctx.add('dataset', dataset);
  },
});
