import { type PrewarmPlan, planPrewarm } from '../../core/prewarm/prewarm-plan.js';
import { lambdaHandler } from '../shared/lambda-handler.js';

/** First pre-warm step: validates the window; a ValidationError ends it before any change. */
export function makeHandler() {
  return lambdaHandler(
    'prewarm-plan',
    async (event: unknown): Promise<{ prewarm: PrewarmPlan }> => ({
      prewarm: planPrewarm(event),
    }),
  );
}

export const handler = makeHandler();
