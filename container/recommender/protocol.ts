/** Messages between the recommender backend (main thread) and its inference workers. */
import type { OrtOptions } from '../config.js';
import type { RecommendationInstance } from './request.js';

export interface WorkerInit {
  readonly modelDir: string;
  readonly ort: OrtOptions;
}

/** One recommended series. */
export interface Recommendation {
  readonly rank: number;
  readonly title: string;
  readonly score: number;
  readonly genres: readonly string[];
  readonly demographic: string;
  readonly tags: readonly string[];
}

export type ToWorker = {
  readonly type: 'run';
  readonly id: number;
  readonly instances: readonly RecommendationInstance[];
};

export type FromWorker =
  | {
      readonly type: 'loaded';
      readonly sessionCreateMs: number;
      readonly providers: readonly string[];
      readonly items: number;
    }
  | { readonly type: 'load-error'; readonly message: string }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly results: readonly (readonly Recommendation[])[];
      readonly runMs: number;
    }
  | { readonly type: 'run-error'; readonly id: number; readonly message: string };
