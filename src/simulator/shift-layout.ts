import type { ActivityCode, ScheduledActivity, Shift } from './contact-centre-model';
import type { SeededRandom } from './seeded-random';

const MINUTE = 60_000;

/** Monday (UTC) of the week containing `at`, as `YYYY-MM-DD` (Genesys `weekDate`). */
export function weekDateOf(at: number): string {
  const day = new Date(at);
  const dayOfWeek = (day.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - dayOfWeek))
    .toISOString()
    .slice(0, 10);
}

/**
 * A 480-minute shift: two 15-min breaks, a 30-min unpaid meal, sometimes a team meeting or project work (two
 * 15-min breaks per 8 h is typical:
 * searchcustomerexperience.techtarget.com/answer/What-is-an-acceptable-amount-of-call-center-break-time).
 */
export function buildShift(
  random: SeededRandom,
  startAt: number,
  code: (name: string) => ActivityCode,
  id: string,
  scheduleId: string,
): Shift {
  const jitter = (): number => random.pick([-15, 0, 15]);
  const blocks: Array<{ offset: number; length: number; code: ActivityCode }> = [
    { offset: 120 + jitter(), length: 15, code: code('Break') },
    { offset: 240 + jitter(), length: 30, code: code('Meal') },
    { offset: 360 + jitter(), length: 15, code: code('Break') },
  ];
  if (random.chance(0.3)) blocks.push({ offset: 180, length: 30, code: code('Team Meeting') });
  if (random.chance(0.15)) blocks.push({ offset: 300, length: 30, code: code('Project Work') });
  blocks.sort((x, y) => x.offset - y.offset);
  const activities: ScheduledActivity[] = [];
  const onQueue = code('On Queue Work');
  let cursor = 0;
  const push = (offset: number, length: number, c: ActivityCode): void => {
    activities.push({
      startAt: startAt + offset * MINUTE,
      lengthMinutes: length,
      activityCodeId: c.id,
      category: c.category,
      description: '',
      paid: c.countsAsPaidTime,
    });
  };
  for (const block of blocks) {
    if (block.offset > cursor) push(cursor, block.offset - cursor, onQueue);
    push(block.offset, block.length, block.code);
    cursor = block.offset + block.length;
  }
  if (cursor < 480) push(cursor, 480 - cursor, onQueue);
  return {
    id,
    startAt,
    lengthMinutes: 480,
    activities,
    scheduleId,
    weekDate: weekDateOf(startAt),
    manuallyEdited: false,
  };
}
