/**
 * The report schedule's presets: the schedules most dealerships want, each
 * the 5-field cron expression the server validates (internal/schedule: at
 * most once an hour, in the dealership's time zone), and "Custom (cron)" for
 * any other expression.
 */

export type SchedulePresetId = 'off' | 'weekly' | 'weekdays' | 'daily' | 'monthly' | 'custom';

export interface SchedulePreset {
  id: SchedulePresetId;
  label: string;
  /** the expression saved; null for custom (the person types it) */
  cron: string | null;
}

export const SCHEDULE_PRESETS: readonly SchedulePreset[] = [
  { id: 'weekly', label: 'Weekly, Mondays at 07:00', cron: '0 7 * * 1' },
  { id: 'weekdays', label: 'Monday to Friday at 07:00', cron: '0 7 * * 1-5' },
  { id: 'daily', label: 'Every day at 07:00', cron: '0 7 * * *' },
  { id: 'monthly', label: 'Monthly, on the 1st at 07:00', cron: '0 7 1 * *' },
  { id: 'off', label: 'Off: no scheduled reports', cron: '' },
  { id: 'custom', label: 'Custom (cron)', cron: null },
];

/** An expression with its fields separated by single spaces. */
function normal(expr: string | null | undefined): string {
  return (expr ?? '').trim().replace(/\s+/g, ' ');
}

/** The preset an expression is ('' is off); 'custom' for any other. */
export function presetOf(expr: string | null | undefined): SchedulePresetId {
  const e = normal(expr);
  return SCHEDULE_PRESETS.find((p) => p.cron !== null && p.cron === e)?.id ?? 'custom';
}

/**
 * The expression to keep after the person picks a preset: the preset's own,
 * or for custom what was there (so that switching to custom starts from it).
 */
export function scheduleFor(id: SchedulePresetId, current: string): string {
  const p = SCHEDULE_PRESETS.find((x) => x.id === id);
  return p && p.cron !== null ? p.cron : current;
}
