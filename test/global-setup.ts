/** Vitest global setup: nothing shared yet beyond making sure test artifacts have a home. */
import { mkdirSync } from 'node:fs';

export function setup(): void {
  mkdirSync('test-artifacts', { recursive: true });
}
