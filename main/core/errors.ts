// Owns the error for a listening port that is taken: it names the port and the flag that changes it.
export class PortInUseError extends Error {
  constructor(
    readonly what: string,
    readonly host: string,
    readonly port: number,
    readonly flag: string,
    readonly envVar: string,
  ) {
    super(
      `${what} port ${port} on ${host} is already in use; choose another with ${flag} N (or ${envVar}=N), or stop the program using it`,
    );
    this.name = 'PortInUseError';
  }
}
