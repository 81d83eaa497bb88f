import { describe, expect, it } from 'vitest';
import { paths, routeOf } from '../../app/router.js';

describe('the YAML and Warehouse pages in the URL', () => {
  it.each([
    [paths.yaml('shop'), { page: 'yaml', project: 'shop' }],
    [
      paths.yaml('shop', 'stages', 'dev'),
      { page: 'yaml', project: 'shop', plural: 'stages', name: 'dev' },
    ],
    [
      paths.yaml('shop', 'freight', 'a b/c'),
      { page: 'yaml', project: 'shop', plural: 'freight', name: 'a b/c' },
    ],
    [paths.warehouse('shop', 'app'), { page: 'warehouse', project: 'shop', warehouse: 'app' }],
  ])('%s', (path, route) => {
    expect(routeOf(path)).toEqual(route);
  });

  it('names an object whose name needs escaping without leaving its segment', () => {
    expect(paths.yaml('shop', 'freight', 'a b/c')).toBe('/projects/shop/freight/a%20b%2Fc/yaml');
  });

  it('is no page with parts missing or extra', () => {
    expect(routeOf('/projects/shop/stages/dev/yaml/more').page).toBe('not-found');
    expect(routeOf('/projects/shop/warehouses').page).toBe('not-found');
  });
});
