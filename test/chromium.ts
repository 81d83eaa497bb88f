import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './gantry-process.js';

/** Debian's Chromium (scripts/test.sh installs it), driven by playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Builds the UI unless a build is there (`npm ci` builds it; a bare checkout may not have). */
export function ensureUiBuilt(): void {
  if (existsSync(join(ROOT, 'dist/ui/index.html'))) return;
  execFileSync('npx', ['vite', 'build', '--config', 'ui/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}
