import type { CliContext } from '../context.js';
import {
  COMPLETION_SHELLS,
  completionScript,
  type CompletionShell,
} from '../completion/completion-scripts.js';
import { usageError } from '../usage-error.js';

/** `gantry completion bash|zsh|fish`: prints the shell's completion script. */
export function completionCommand(ctx: CliContext, shell: string): void {
  if (!(COMPLETION_SHELLS as readonly string[]).includes(shell))
    throw usageError(
      `unknown shell "${shell}": gantry completes in ${COMPLETION_SHELLS.join(', ')}`,
    );
  ctx.out(completionScript(shell as CompletionShell).trimEnd());
}
