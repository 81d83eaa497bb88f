import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { refusedAddress } from './refused-address.js';

describe('refusedAddress', () => {
  it('refuses TCP connections and fetches while it is held', async () => {
    const refused = await refusedAddress();
    try {
      const tcp = await new Promise<string>((resolve) => {
        const socket = connect(refused.port, '127.0.0.1');
        socket.once('connect', () => resolve('connected'));
        socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });
      expect(tcp).toBe('ECONNREFUSED');
      const cause = await fetch(`${refused.url}/x`).then(
        () => 'answered',
        (err: { cause?: { code?: string } }) => err.cause?.code,
      );
      expect(cause).toBe('ECONNREFUSED');
    } finally {
      await refused.close();
    }
  });
});
