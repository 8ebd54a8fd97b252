import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The official MedMNIST files provided beside the repo (see ../shared/data/medmnist/SOURCES.md). */
export const SHARED_MEDMNIST = path.resolve(REPO, '../shared/data/medmnist');
