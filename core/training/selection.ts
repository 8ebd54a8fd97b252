/**
 * Model selection of the official MedMNIST protocol: keep the model of the epoch with the best validation
 * AUC (strictly better replaces; the earliest best epoch wins ties). An undefined (NaN) AUC never wins.
 */
export class BestTracker {
  private value = -Infinity;
  private at: number | null = null;

  constructor(state?: { bestValAuc: number | null; bestEpoch: number | null }) {
    if (state && state.bestEpoch !== null && state.bestValAuc !== null) {
      this.value = state.bestValAuc;
      this.at = state.bestEpoch;
    }
  }

  /** Record epoch `epoch`'s validation AUC; true when it is the new best (save the model then). */
  update(epoch: number, valAuc: number): boolean {
    if (!(valAuc > this.value)) return false;
    this.value = valAuc;
    this.at = epoch;
    return true;
  }

  get bestValAuc(): number | null {
    return this.at === null ? null : this.value;
  }

  get bestEpoch(): number | null {
    return this.at;
  }
}
