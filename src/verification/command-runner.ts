/**
 * How a job metric runs a process: a port, so tests and other hosts can supply their own.
 * `localCommandRunner` is the default, built on node:child_process.
 */

export interface CommandRequest {
  /** The executable, looked up in `env.PATH` when it has no slash. Never run through a shell. */
  command: string;
  args: string[];
  cwd: string;
  /** The whole environment of the process (nothing is inherited). */
  env: Record<string, string>;
  /** Killed (with its process group) when it runs longer. */
  timeoutMs: number;
  /** Killed (with its process group) when this aborts. */
  signal: AbortSignal;
  /** Output kept per stream and combined; the end is kept, the start dropped. */
  maxOutputBytes: number;
}

export interface CommandResult {
  /** Null when the process was ended by a signal. */
  exitCode: number | null;
  /** The signal that ended the process, if one did. */
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
}

/** Runs one process to its end. Rejects only when it could not be started. */
export type CommandRunner = (request: CommandRequest) => Promise<CommandResult>;
