import { spawn } from 'node:child_process';
import type { CommandRequest, CommandResult, CommandRunner } from './command-runner.js';

/** After a kill, how long to wait for pipes held open by an escaped grandchild. */
const CLOSE_GRACE_MS = 2_000;

/**
 * Runs a command on this host with node:child_process, without a shell. The process leads
 * its own process group so a timeout or an abort kills what it started too (`sh -c "sleep
 * 100 & wait"` leaves nothing behind).
 */
export const localCommandRunner: CommandRunner = (request: CommandRequest) =>
  new Promise<CommandResult>((resolve, reject) => {
    const stdout = new TailBuffer(request.maxOutputBytes);
    const stderr = new TailBuffer(request.maxOutputBytes);
    const output = new TailBuffer(request.maxOutputBytes);
    let timedOut = false;
    let started = false;

    const child = spawn(request.command, request.args, {
      cwd: request.cwd,
      env: request.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });

    const kill = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        if (child.pid !== undefined && process.platform !== 'win32')
          process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // The group is already gone: nothing is left to kill.
      }
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, CLOSE_GRACE_MS).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, request.timeoutMs);
    const onAbort = () => kill();
    if (request.signal.aborted) queueMicrotask(onAbort);
    else request.signal.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => (stdout.push(chunk), output.push(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr.push(chunk), output.push(chunk)));
    child.on('spawn', () => (started = true));
    child.on('error', (err) => {
      if (started) return; // a kill that raced the exit; 'close' still reports the end
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
      reject(new Error(`could not start ${JSON.stringify(request.command)}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      if (!started) return;
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
      resolve({
        exitCode: code,
        signal,
        timedOut,
        stdout: stdout.text(),
        stderr: stderr.text(),
        output: output.text(),
      });
    });
  });

/** Keeps the last `max` bytes written to it, so a chatty process cannot fill memory. */
class TailBuffer {
  #chunks: Buffer[] = [];
  #size = 0;
  #dropped = false;
  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.max && this.#chunks.length > 0) {
      const first = this.#chunks[0]!;
      const excess = this.#size - this.max;
      this.#dropped = true;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
      } else {
        this.#chunks[0] = first.subarray(excess);
        this.#size -= excess;
      }
    }
  }

  text(): string {
    const text = Buffer.concat(this.#chunks).toString();
    return this.#dropped ? `…${text.replace(/^\uFFFD+/, '')}` : text;
  }
}
