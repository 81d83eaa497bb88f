import { resolveServerConfig, type ServerFlags } from '../../config.js';
import { isGantryError } from '../../errors.js';
import { usageError } from '../usage-error.js';

/** `gantry server`: runs the API server until SIGTERM/SIGINT. */
export async function serverCommand(flags: ServerFlags): Promise<void> {
  let config;
  try {
    config = resolveServerConfig(flags);
  } catch (err) {
    if (isGantryError(err, 'Invalid')) throw usageError(err.message);
    throw err;
  }
  const { runServer } = await import('../../main.js');
  await runServer(config);
}
