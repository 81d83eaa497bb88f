import { resolveServerConfig, type ServerFlags } from '../../config.js';

/** `gantry server`: runs the API server until SIGTERM/SIGINT. */
export async function serverCommand(flags: ServerFlags): Promise<void> {
  const config = resolveServerConfig(flags);
  const { runServer } = await import('../../main.js');
  await runServer(config);
}
