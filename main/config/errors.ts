// Owns the error type for bad user input at start-up: one line that names the problem and the fix, exit code 2.
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
