/** The names the CLI and the dashboard find the machines by (`warmgate-<kind>`). */
export const STATE_MACHINE_NAMES = {
  rollout: 'warmgate-rollout',
  prewarm: 'warmgate-prewarm',
  calendarSync: 'warmgate-calendar-sync',
} as const;
