// Owns the observable state of the Kaltura keepers (KS supervisor, registration, server node): the current value,
// copies for readers, change listeners told only of a real change, and a listener that throws never breaking the
// keeper that changed the state.
export class ObservedState<T extends object> {
  private current: T;
  private readonly listeners = new Set<(value: T) => void>();

  constructor(initial: T) {
    this.current = initial;
  }

  /** The current value, for the owner's own reads (never hand it out: get() gives a copy). */
  get value(): Readonly<T> {
    return this.current;
  }

  get(): T {
    return { ...this.current };
  }

  onChange(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(patch: Partial<T>): void {
    const next = { ...this.current, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    for (const listener of [...this.listeners]) {
      try {
        listener(this.get());
      } catch {
        // a listener must not break the keeper
      }
    }
  }
}
