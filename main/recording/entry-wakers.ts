// Owns the upload workers' wake-ups, one per entry: a generation counter per entry, so a wake that comes between a
// worker's look at the queue and its wait is not lost, and a way to wake every sleeping worker (on stop).
export class EntryWakers {
  private readonly generations = new Map<string, number>();
  private readonly wakers = new Map<string, () => void>();

  /** The entry's current generation; pass it to wait() to wait for a wake after this moment. */
  generation(entryId: string): number {
    return this.generations.get(entryId) ?? 0;
  }

  wake(entryId: string): void {
    this.generations.set(entryId, this.generation(entryId) + 1);
    this.wakers.get(entryId)?.();
  }

  wakeAll(): void {
    for (const wake of this.wakers.values()) wake();
  }

  /** Resolves on the first wake after `sinceGeneration` (at once if one came already, or the signal aborted). */
  wait(entryId: string, sinceGeneration: number, signal: AbortSignal): Promise<void> {
    if (this.generation(entryId) !== sinceGeneration || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakers.set(entryId, () => {
        this.wakers.delete(entryId);
        resolve();
      });
    });
  }
}
