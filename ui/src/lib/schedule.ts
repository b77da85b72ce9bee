/**
 * A tenant's report schedule (a 5-field cron expression, read by the server
 * in the tenant's time zone) in plain words, for the settings and the
 * Reports screen. Kept apart from lib/reports.ts so that the settings screen
 * (in the first bundle) takes only this.
 */

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_ABBR = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
const MONTH_ABBR = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** A whole number in [min, max] written as digits, else null. */
function num(s: string, min: number, max: number): number | null {
  if (!/^\d{1,2}$/.test(s)) return null;
  const n = Number(s);
  return n >= min && n <= max ? n : null;
}

/** A weekday field's value: 0–7 (7 is Sunday too) or MON…SUN; Sunday is 0. */
function weekday(s: string): number | null {
  const i = DAY_ABBR.indexOf(s.toUpperCase());
  if (i >= 0) return i;
  const n = num(s, 0, 7);
  return n === null ? null : n % 7;
}

function month(s: string): number | null {
  const i = MONTH_ABBR.indexOf(s.toUpperCase());
  if (i >= 0) return i + 1;
  return num(s, 1, 12);
}

/** The weekdays a field names ("1", "1,4", "1-5", "MON-FRI"), sorted Monday first; null when not that simple. */
function weekdays(field: string): number[] | null {
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const range = part.split('-');
    if (range.length === 1) {
      const d = weekday(part);
      if (d === null) return null;
      out.add(d);
    } else if (range.length === 2) {
      const a = weekday(range[0]);
      // "5-7" ends on Sunday: keep 7 as the end so that the range runs forward
      const bRaw = range[1].toUpperCase() === 'SUN' || range[1] === '7' ? 7 : weekday(range[1]);
      if (a === null || bRaw === null || bRaw < a) return null;
      for (let d = a; d <= bRaw; d++) out.add(d % 7);
    } else {
      return null;
    }
  }
  // Monday first, Sunday last, as a working week reads
  return [...out].sort((x, y) => ((x + 6) % 7) - ((y + 6) % 7));
}

function ordinal(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function and(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

function daysPhrase(days: number[]): string {
  const key = days.join(',');
  if (key === '1,2,3,4,5') return 'Monday to Friday';
  if (key === '1,2,3,4,5,6') return 'Monday to Saturday';
  if (key === '6,0') return 'Saturdays and Sundays';
  if (days.length === 7) return 'Every day';
  return and(days.map((d) => `${DAY_NAMES[d]}s`));
}

/**
 * A tenant's report schedule in plain words for the common shapes —
 * "Mondays at 06:30", "Every day at 07:00", "Monday to Friday at 18:00",
 * "On the 1st of every month at 07:00" — in the tenant's own time. Returns
 * '' for no schedule and null for an expression it does not read (the
 * screen then shows the expression itself). The server parses the
 * schedule; this only describes it.
 */
export function describeSchedule(expr: string | null | undefined): string | null {
  const e = (expr ?? '').trim().replace(/\s+/g, ' ');
  if (e === '') return '';
  switch (e.toLowerCase()) {
    case '@yearly':
    case '@annually':
      return 'Every year on 1 January at 00:00';
    case '@monthly':
      return 'On the 1st of every month at 00:00';
    case '@weekly':
      return 'Sundays at 00:00';
    case '@daily':
    case '@midnight':
      return 'Every day at 00:00';
    case '@hourly':
      return 'Every hour, on the hour';
  }
  const f = e.split(' ');
  if (f.length !== 5) return null;
  const [mi, hr, dom, mon, dow] = f;
  const minute = num(mi, 0, 59);
  if (minute === null) return null;

  // when in the day: one hour, a few hours, or every hour
  let at: string;
  let everyHour = false;
  if (hr === '*') {
    everyHour = true;
    at = minute === 0 ? 'every hour, on the hour' : `every hour at ${pad(minute)} minutes past`;
  } else {
    const hours = hr.split(',').map((h) => num(h, 0, 23));
    if (hours.some((h) => h === null)) return null;
    at = 'at ' + and((hours as number[]).sort((a, b) => a - b).map((h) => `${pad(h)}:${pad(minute)}`));
  }
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

  if (dom === '*' && mon === '*') {
    if (dow === '*') return everyHour ? cap(at) : `Every day ${at}`;
    const days = weekdays(dow);
    if (!days) return null;
    const phrase = daysPhrase(days);
    return everyHour ? `${phrase}, ${at}` : `${phrase} ${at}`;
  }
  if (dow !== '*' || everyHour) return null;
  const day = num(dom, 1, 31);
  if (day === null) return null;
  if (mon === '*') return `On the ${ordinal(day)} of every month ${at}`;
  const m = month(mon);
  if (m === null) return null;
  return `Every year on ${day} ${MONTH_NAMES[m - 1]} ${at}`;
}
