#!/usr/bin/env node
import 'reflect-metadata';
import { execute, settings } from '@oclif/core';

// mstf always runs its compiled dist/ (never TypeScript sources), whatever NODE_ENV says.
settings.enableAutoTranspile = false;

await execute({ dir: import.meta.url });
