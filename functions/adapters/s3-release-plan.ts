import { NotFoundError, ServiceError, ValidationError } from '../../core/errors.js';
import type { ReleasePlanSource, ReleasePlanStore } from '../../core/ports/release-plan.js';
import { parseReleasePlan, type ReleasePlan } from '../../core/release-plan.js';
import { type S3Location, type S3Objects, s3Location } from './s3-objects.js';

/**
 * The release plan as one JSON object in the calendar bucket: calendar-sync writes it, the
 * dashboard reads it. The bucket is versioned, so earlier plans stay as noncurrent versions.
 */
export class S3ReleasePlan implements ReleasePlanStore, ReleasePlanSource {
  readonly #location: S3Location;

  constructor(
    private readonly objects: S3Objects,
    private readonly planUrl: string,
  ) {
    this.#location = s3Location(planUrl, 'RELEASE_PLAN_URL');
  }

  async publish(plan: ReleasePlan): Promise<void> {
    await this.objects.putText(this.#location, `${JSON.stringify(plan, null, 2)}\n`, 'application/json');
  }

  /**
   * The published plan, whatever range is asked; undefined until calendar-sync first succeeds.
   *
   * @throws ServiceError when the object is not a release plan: the fault is the writer's, not
   *   the caller's, so it is no ValidationError (which a dashboard answers with 400).
   */
  async load(): Promise<ReleasePlan | undefined> {
    let text: string;
    try {
      text = await this.objects.getText(this.#location);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
    try {
      return parseReleasePlan(text);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const problems = error.issues.map((issue) => `${issue.field} ${issue.message}`).join('; ');
      throw new ServiceError(`the release plan at ${this.planUrl} is not readable: ${problems}`, {
        cause: error,
      });
    }
  }
}
