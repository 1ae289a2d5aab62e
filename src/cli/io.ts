// What a command gets from the outside world; tests pass their own.
import type { Parsed } from './program.js';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Standard input as a stream of chunks (only called when a command is given "-"); read as far as needed. */
  readStdin: () => AsyncIterable<Buffer>;
  /** True when stdout is a terminal (colour). */
  isTTY: boolean;
  /** The terminal's width when stdout is one (text wraps to it). */
  columns?: number;
  /** True when stderr is a terminal (progress). */
  stderrIsTTY?: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * A subcommand module (src/cli/commands/<name>.ts) exports this: it runs with the arguments
 * program.ts parsed, and returns the exit code.
 */
export type CommandRun = (p: Parsed, io: CliIO) => Promise<number>;
