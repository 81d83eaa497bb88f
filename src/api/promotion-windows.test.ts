import { describe, expect, it } from 'vitest';
import type { PromotionWindow } from './project-config.js';
import { windowStatus, type WindowStatus } from './promotion-windows.js';

const win = (
  name: string,
  kind: 'Allow' | 'Deny',
  schedule: string,
  duration: string,
  timeZone = 'UTC',
  stageSelector?: PromotionWindow['stageSelector'],
): PromotionWindow => ({
  name,
  kind,
  schedule,
  duration,
  timeZone,
  ...(stageSelector && { stageSelector }),
});

const businessHours = win('business-hours', 'Allow', '0 9 * * MON-FRI', '8h', 'Europe/Berlin');
const fridayAfternoon = win('friday-afternoon', 'Deny', '0 12 * * FRI', '12h', 'Europe/Berlin');
const prod = { name: 'prod', labels: { env: 'prod' } };

describe('windowStatus', () => {
  it.each<[string, PromotionWindow[], string, WindowStatus]>([
    ['no windows: always open', [], '2025-06-02T08:00:00Z', { open: true }],
    [
      'a disabled window never applies',
      [{ ...win('off', 'Deny', '* * * * *', '1h'), disabled: true }],
      '2025-06-02T08:00:00Z',
      { open: true },
    ],
    [
      'windows for other Stages do not apply',
      [win('other', 'Deny', '* * * * *', '1h', 'UTC', { name: 'staging' })],
      '2025-06-02T08:00:00Z',
      { open: true },
    ],
    [
      'inside business hours (10:00 CEST on a Monday)',
      [businessHours],
      '2025-06-02T08:00:00Z',
      { open: true, nextClose: '2025-06-02T15:00:00Z', window: 'business-hours' },
    ],
    [
      'before business hours',
      [businessHours],
      '2025-06-02T06:00:00Z',
      {
        open: false,
        reason:
          'outside allow windows; next opens at 2025-06-02T07:00:00Z (window "business-hours")',
        nextOpen: '2025-06-02T07:00:00Z',
        nextClose: '2025-06-02T15:00:00Z',
        window: 'business-hours',
      },
    ],
    [
      'the opening instant belongs to the window',
      [businessHours],
      '2025-06-02T07:00:00Z',
      { open: true, nextClose: '2025-06-02T15:00:00Z', window: 'business-hours' },
    ],
    [
      'the closing instant does not',
      [businessHours],
      '2025-06-02T15:00:00Z',
      {
        open: false,
        reason:
          'outside allow windows; next opens at 2025-06-03T07:00:00Z (window "business-hours")',
        nextOpen: '2025-06-03T07:00:00Z',
        nextClose: '2025-06-03T15:00:00Z',
        window: 'business-hours',
      },
    ],
    [
      'business hours in winter (09:30 CET)',
      [businessHours],
      '2025-01-06T08:30:00Z',
      { open: true, nextClose: '2025-01-06T16:00:00Z', window: 'business-hours' },
    ],
    [
      'the weekend: next opens on Monday',
      [businessHours, fridayAfternoon],
      '2025-06-07T11:00:00Z',
      {
        open: false,
        reason:
          'outside allow windows; next opens at 2025-06-09T07:00:00Z (window "business-hours")',
        nextOpen: '2025-06-09T07:00:00Z',
        nextClose: '2025-06-09T15:00:00Z',
        window: 'business-hours',
      },
    ],
    [
      'Deny beats Allow: Friday afternoon',
      [businessHours, fridayAfternoon],
      '2025-06-06T11:00:00Z',
      {
        open: false,
        reason: 'deny window "friday-afternoon" is open until 2025-06-06T22:00:00Z',
        nextOpen: '2025-06-09T07:00:00Z',
        nextClose: '2025-06-09T15:00:00Z',
        window: 'friday-afternoon',
      },
    ],
    [
      'Friday morning closes when the deny window opens',
      [businessHours, fridayAfternoon],
      '2025-06-06T08:00:00Z',
      { open: true, nextClose: '2025-06-06T10:00:00Z', window: 'business-hours' },
    ],
    [
      'a freeze over Monday moves nextOpen past the next allow window',
      [businessHours, win('freeze', 'Deny', '0 0 9 6 *', '24h', 'Europe/Berlin')],
      '2025-06-07T10:00:00Z',
      {
        open: false,
        reason:
          'outside allow windows; next opens at 2025-06-09T07:00:00Z (window "business-hours")',
        nextOpen: '2025-06-10T07:00:00Z',
        nextClose: '2025-06-10T15:00:00Z',
        window: 'business-hours',
      },
    ],
    [
      'only Deny windows, none open',
      [fridayAfternoon],
      '2025-06-02T08:00:00Z',
      { open: true, nextClose: '2025-06-06T10:00:00Z' },
    ],
    [
      'a window spanning midnight, inside',
      [win('night', 'Allow', '0 22 * * *', '4h')],
      '2025-01-02T01:00:00Z',
      { open: true, nextClose: '2025-01-02T02:00:00Z', window: 'night' },
    ],
    [
      'a window spanning midnight, after',
      [win('night', 'Allow', '0 22 * * *', '4h')],
      '2025-01-02T02:00:00Z',
      {
        open: false,
        reason: 'outside allow windows; next opens at 2025-01-02T22:00:00Z (window "night")',
        nextOpen: '2025-01-02T22:00:00Z',
        nextClose: '2025-01-03T02:00:00Z',
        window: 'night',
      },
    ],
    [
      'overlapping Allow windows merge',
      [win('morning', 'Allow', '0 9 * * *', '4h'), win('afternoon', 'Allow', '0 12 * * *', '4h')],
      '2025-01-01T10:00:00Z',
      { open: true, nextClose: '2025-01-01T16:00:00Z', window: 'morning' },
    ],
    [
      'of two open Allow windows, the one open longer is named',
      [win('morning', 'Allow', '0 9 * * *', '4h'), win('afternoon', 'Allow', '0 12 * * *', '4h')],
      '2025-01-01T12:30:00Z',
      { open: true, nextClose: '2025-01-01T16:00:00Z', window: 'afternoon' },
    ],
    [
      'of two open Deny windows, the one open longer is named',
      [win('short', 'Deny', '0 10 * * *', '2h'), win('long', 'Deny', '0 11 * * *', '4h')],
      '2025-01-01T11:30:00Z',
      {
        open: false,
        reason: 'deny window "long" is open until 2025-01-01T15:00:00Z',
        nextOpen: '2025-01-01T15:00:00Z',
        nextClose: '2025-01-02T10:00:00Z',
        window: 'long',
      },
    ],
    [
      'a Deny window whose occurrences overlap never closes',
      [win('always', 'Deny', '0 * * * *', '90m')],
      '2025-01-01T00:00:00Z',
      {
        open: false,
        reason: 'deny window "always" is open; no end found within 366 days',
        window: 'always',
      },
    ],
    [
      'an Allow window that does not open within a year',
      [win('leap-day', 'Allow', '0 0 29 2 *', '24h')],
      '2025-03-01T00:00:00Z',
      { open: false, reason: 'outside allow windows; none opens within 366 days' },
    ],
    [
      'Berlin spring forward: the duration is elapsed time',
      [win('early', 'Allow', '0 1 * * *', '3h', 'Europe/Berlin')],
      '2025-03-30T02:30:00Z',
      { open: true, nextClose: '2025-03-30T03:00:00Z', window: 'early' },
    ],
    [
      'Berlin fall back: an hourly Deny window keeps the repeated hour closed',
      [
        win('hourly', 'Deny', '0 * * * *', '1h', 'Europe/Berlin'),
        win('all', 'Allow', '@daily', '24h'),
      ],
      '2025-10-26T01:30:00Z',
      {
        open: false,
        reason: 'deny window "hourly" is open; no end found within 366 days',
        window: 'hourly',
      },
    ],
    [
      'Berlin fall back: a fixed 02:30 window opens once, in the first 02:30',
      [win('half-past-two', 'Allow', '30 2 * * *', '30m', 'Europe/Berlin')],
      '2025-10-26T01:30:00Z',
      {
        open: false,
        reason:
          'outside allow windows; next opens at 2025-10-27T01:30:00Z (window "half-past-two")',
        nextOpen: '2025-10-27T01:30:00Z',
        nextClose: '2025-10-27T02:00:00Z',
        window: 'half-past-two',
      },
    ],
    [
      'New York fall back: a nightly Deny window spanning midnight',
      [win('nightly', 'Deny', '0 22 * * *', '10h', 'America/New_York')],
      '2025-11-02T05:00:00Z',
      {
        open: false,
        reason: 'deny window "nightly" is open until 2025-11-02T12:00:00Z',
        nextOpen: '2025-11-02T12:00:00Z',
        nextClose: '2025-11-03T03:00:00Z',
        window: 'nightly',
      },
    ],
    [
      'New York spring forward: a 02:00 window opens at the jump',
      [win('two-am', 'Allow', '0 2 * * *', '2h', 'America/New_York')],
      '2025-03-09T06:59:00Z',
      {
        open: false,
        reason: 'outside allow windows; next opens at 2025-03-09T07:00:00Z (window "two-am")',
        nextOpen: '2025-03-09T07:00:00Z',
        nextClose: '2025-03-09T09:00:00Z',
        window: 'two-am',
      },
    ],
  ])('%s', (_, windows, now, expected) => {
    expect(windowStatus(windows, prod, new Date(now))).toEqual(expected);
  });

  const freeze = (stageSelector: PromotionWindow['stageSelector']) => [
    win('freeze', 'Deny', '0 0 * * *', '24h', 'UTC', stageSelector),
  ];
  it.each<
    [
      string,
      PromotionWindow['stageSelector'],
      { name: string; labels?: Record<string, string> },
      boolean,
    ]
  >([
    ['no selector applies to every Stage', undefined, { name: 'dev' }, true],
    ['an exact name', { name: 'prod' }, { name: 'prod' }, true],
    ['an exact name, another Stage', { name: 'prod' }, { name: 'prod-eu' }, false],
    ['a glob', { name: 'glob:prod-*' }, { name: 'prod-eu' }, true],
    ['a glob, another Stage', { name: 'glob:prod-*' }, { name: 'dev-eu' }, false],
    ['a regex', { name: 'regex:^(prod|uat)$' }, { name: 'uat' }, true],
    ['a regex, another Stage', { name: 'regex:^(prod|uat)$' }, { name: 'uat2' }, false],
    ['labels', { matchLabels: { env: 'prod' } }, { name: 'x', labels: { env: 'prod' } }, true],
    ['labels, another Stage', { matchLabels: { env: 'prod' } }, { name: 'x' }, false],
  ])('selects Stages: %s', (_, selector, stage, frozen) => {
    const status = windowStatus(freeze(selector), stage, new Date('2025-01-01T12:00:00Z'));
    expect(status.open).toBe(!frozen);
  });

  it('stays fast on schedules that fire every minute', () => {
    const started = performance.now();
    const status = windowStatus(
      [
        win('always', 'Deny', '* * * * *', '1m', 'Europe/Berlin'),
        win('ok', 'Allow', '*/2 * * * *', '1m'),
      ],
      prod,
      new Date('2025-03-29T12:00:00Z'),
    );
    expect(status).toEqual({
      open: false,
      reason: 'deny window "always" is open; no end found within 366 days',
      window: 'always',
    });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
