import { z } from '../../core/index.js';

/** NSGA-II options; defaults as in NSGA-Net (population 40, 40 offspring) and pymoo (eta_c 15, eta_m 20). */
export const nsga2OptionsSchema = z.strictObject({
  population: z.number().int().min(2).default(40).describe('population size kept by survival'),
  offspring: z.number().int().min(1).default(40).describe('offspring created (and evaluated) per generation'),
  crossoverProb: z.number().min(0).max(1).default(0.9).describe('probability that a mating pair is crossed over'),
  etaC: z.number().positive().default(15).describe('SBX distribution index (real variables)'),
  etaM: z.number().positive().default(20).describe('polynomial mutation distribution index (real variables)'),
  mutationProb: z.number().min(0).max(1).optional().describe('per-variable mutation probability (default 1/n_var)'),
  duplicateRetries: z
    .number()
    .int()
    .min(1)
    .default(100)
    .describe('draws allowed per wanted genotype before giving up on a unique one'),
});

export type Nsga2Options = z.input<typeof nsga2OptionsSchema>;
export type Nsga2ResolvedOptions = z.output<typeof nsga2OptionsSchema>;
