/**
 * Scheduled/actual activity categories Genesys sends: the activity code categories (MyPureCloud/platform-client-sdk-python,
 * build/PureCloudPlatformClientV2/models/activity_code.py, `category` allowed_values) plus `Unscheduled`, which
 * adherence events carry when nothing is scheduled.
 */
export const ACTIVITY_CATEGORIES: readonly string[] = Object.freeze([
  'OnQueueWork',
  'Break',
  'Meal',
  'Meeting',
  'OffQueueWork',
  'TimeOff',
  'Training',
  'Unavailable',
  'Unscheduled',
]);
