import { spawn } from 'node:child_process';

/**
 * Asks the desktop to open `url` (`open` on macOS, `xdg-open` elsewhere); answers whether a
 * program could be started. Never throws: the URL is printed anyway.
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): boolean {
  const command = platform === 'darwin' ? 'open' : 'xdg-open';
  try {
    const child = spawn(command, [url], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
