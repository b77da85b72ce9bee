import { describe, expect, it } from 'vitest';
import { describeSchedule } from './schedule';

describe('describeSchedule', () => {
  it.each([
    ['30 6 * * 1', 'Mondays at 06:30'],
    ['0 7 * * 1', 'Mondays at 07:00'],
    ['0 7 * * MON', 'Mondays at 07:00'],
    ['0 7 * * 0', 'Sundays at 07:00'],
    ['0 7 * * 7', 'Sundays at 07:00'],
    ['0 7 * * 1,4', 'Mondays and Thursdays at 07:00'],
    ['0 7 * * 5,1,3', 'Mondays, Wednesdays and Fridays at 07:00'],
    ['0 18 * * 1-5', 'Monday to Friday at 18:00'],
    ['0 18 * * MON-FRI', 'Monday to Friday at 18:00'],
    ['0 9 * * 1-6', 'Monday to Saturday at 09:00'],
    ['0 9 * * 6,0', 'Saturdays and Sundays at 09:00'],
    ['0 9 * * 6-7', 'Saturdays and Sundays at 09:00'],
    ['0 9 * * 0-6', 'Every day at 09:00'],
    ['0 7 * * *', 'Every day at 07:00'],
    ['15 6,18 * * *', 'Every day at 06:15 and 18:15'],
    ['0 * * * *', 'Every hour, on the hour'],
    ['15 * * * 1-5', 'Monday to Friday, every hour at 15 minutes past'],
    ['0 7 1 * *', 'On the 1st of every month at 07:00'],
    ['0 7 2 * *', 'On the 2nd of every month at 07:00'],
    ['0 7 3 * *', 'On the 3rd of every month at 07:00'],
    ['0 7 11 * *', 'On the 11th of every month at 07:00'],
    ['0 7 22 * *', 'On the 22nd of every month at 07:00'],
    ['0 6 1 1 *', 'Every year on 1 January at 06:00'],
    ['0 6 15 MAR *', 'Every year on 15 March at 06:00'],
    ['  30   6 *  * 1 ', 'Mondays at 06:30'],
    ['@daily', 'Every day at 00:00'],
    ['@weekly', 'Sundays at 00:00'],
    ['@monthly', 'On the 1st of every month at 00:00'],
    ['@yearly', 'Every year on 1 January at 00:00'],
    ['@hourly', 'Every hour, on the hour'],
  ])('%s → %s', (expr, want) => {
    expect(describeSchedule(expr)).toBe(want);
  });

  it('says nothing for no schedule', () => {
    expect(describeSchedule('')).toBe('');
    expect(describeSchedule('   ')).toBe('');
    expect(describeSchedule(null)).toBe('');
  });

  it.each([
    '*/15 * * * *', // every 15 minutes (the server refuses it anyway)
    '0 */2 * * *',
    '0 7 1-7 * 1', // both day fields
    '0 7 L * *',
    '0 7 * * 5-1', // a backwards range
    '61 7 * * *',
    '0 24 * * *',
    '0 7 * * 8',
    '0 7 32 * *',
    '0 7 1 13 *',
    '0 7 * *',
    '0 0 7 * * 1', // six fields (seconds)
    '@every 1h',
    'CRON_TZ=Europe/Berlin 0 7 * * 1',
  ])('leaves %s to the expression itself', (expr) => {
    expect(describeSchedule(expr)).toBeNull();
  });
});
