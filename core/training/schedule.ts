/**
 * The official MedMNIST learning-rate schedule: MultiStepLR(milestones = [0.5 E, 0.75 E], gamma = 0.1),
 * stepped once after every epoch. Epoch e (0-based) trains at lr * 0.1^(number of milestones m <= e).
 *
 * PyTorch compares the integer epoch counter with the milestones, so a non-integer milestone (0.75 E when
 * E is not a multiple of 4) would never fire there; we round the milestones up (the first whole epoch at or
 * after 50% / 75% of training) so both decays happen whenever E >= 2 and never before the first epoch
 * (for E = 100, the official setting, both forms give 50 and 75). Documented in docs/decisions.md.
 */

/** torch.optim.lr_scheduler.MultiStepLR: lr = base * gamma^(number of milestones <= epoch). */
export function multiStepLR(baseLr: number, milestones: readonly number[], gamma = 0.1): (epoch: number) => number {
  const sorted = [...milestones].sort((a, b) => a - b);
  return (epoch) => baseLr * gamma ** sorted.filter((m) => m <= epoch).length;
}

export function milestones(epochs: number): [number, number] {
  return [Math.ceil(0.5 * epochs), Math.ceil(0.75 * epochs)];
}

/** Learning rate used during epoch `epoch` (0-based). */
export function learningRateAt(epoch: number, epochs: number, baseLr: number, gamma = 0.1): number {
  return multiStepLR(baseLr, milestones(epochs), gamma)(epoch);
}
