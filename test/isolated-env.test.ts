import { describe, expect, it } from 'vitest';

describe('the test environment', () => {
  it("holds none of the user's Gantry settings, and a CLI config that does not exist", () => {
    expect(Object.keys(process.env).filter((name) => name.startsWith('GANTRY_'))).toEqual([
      'GANTRY_CONFIG',
    ]);
    expect(process.env.GANTRY_CONFIG).toBe('/nonexistent/gantry-test-config');
  });
});
