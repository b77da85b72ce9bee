import { describe, expect, it } from 'vitest';
import { presetOf, SCHEDULE_PRESETS, scheduleFor } from './schedulepresets';
import { describeSchedule } from './schedule';

describe('schedule presets', () => {
  it('are cron expressions that read as what their label says', () => {
    const words = Object.fromEntries(SCHEDULE_PRESETS.map((p) => [p.id, p.cron === null ? null : describeSchedule(p.cron)]));
    expect(words).toEqual({
      weekly: 'Mondays at 07:00',
      weekdays: 'Monday to Friday at 07:00',
      daily: 'Every day at 07:00',
      monthly: 'On the 1st of every month at 07:00',
      off: '',
      custom: null,
    });
  });
  it('recognise an expression, whatever its spacing', () => {
    expect(presetOf('0 7 * * 1')).toBe('weekly');
    expect(presetOf('  0  7 * *   1 ')).toBe('weekly');
    expect(presetOf('0 7 1 * *')).toBe('monthly');
    expect(presetOf('')).toBe('off');
    expect(presetOf(null)).toBe('off');
    expect(presetOf('30 6 * * 1')).toBe('custom');
    expect(presetOf('@daily')).toBe('custom');
  });
  it('give the expression to save', () => {
    expect(scheduleFor('daily', '30 6 * * 1')).toBe('0 7 * * *');
    expect(scheduleFor('off', '0 7 * * *')).toBe('');
    expect(scheduleFor('custom', '30 6 * * 1')).toBe('30 6 * * 1');
  });
});
