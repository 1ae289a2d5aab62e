// The tool's own errors. The CLI turns them into one line on stderr and exit 2;
// anything else is a bug and is reported as such, still on one line.

/** Bad input: names the input (file, range, stdin) and the problem. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly problem: string,
  ) {
    super(`${input}: ${problem}`);
    this.name = 'InputError';
  }
}

/** Bad command line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
