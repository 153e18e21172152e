// Owns the bounded memory of a process's stderr: the last N complete lines, shown with errors.

export class LineRing {
  private readonly ring: string[] = [];
  private partial = '';

  constructor(private readonly capacity: number) {}

  /** adds a chunk; returns the complete, non-empty lines it finished */
  push(chunk: string): string[] {
    const text = this.partial + chunk;
    const parts = text.split(/\r?\n|\r/);
    this.partial = (parts.pop() ?? '').slice(-4096);
    const lines = parts.map((l) => l.trimEnd()).filter((l) => l !== '');
    for (const line of lines) {
      this.ring.push(line.length > 1000 ? line.slice(0, 1000) + '…' : line);
      if (this.ring.length > this.capacity) this.ring.shift();
    }
    return lines;
  }

  lines(): string[] {
    return this.partial.trim() === '' ? [...this.ring] : [...this.ring, this.partial.trim()].slice(-this.capacity);
  }

  clear(): void {
    this.ring.length = 0;
    this.partial = '';
  }
}
