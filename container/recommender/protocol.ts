/** Messages between the recommender backend (main thread) and its inference workers. */
import type { OrtOptions } from '../config.js';
import type { CatalogFile } from './catalog.js';
import type { RecommendationInstance } from './request.js';

/** One recommended series. */
export interface Recommendation {
  readonly rank: number;
  readonly title: string;
  readonly score: number;
  readonly genres: readonly string[];
  readonly demographic: string;
  readonly tags: readonly string[];
}

export type ToWorker =
  /** Sent first, as soon as the configuration is known: creates the session. */
  | { readonly type: 'init'; readonly modelDir: string; readonly ort: OrtOptions }
  /**
   * Sent once the main thread has validated catalog.json (with zod, which the worker does not
   * load); it travels while the session is still being created.
   */
  | { readonly type: 'catalog'; readonly catalog: CatalogFile }
  | { readonly type: 'run'; readonly id: number; readonly instances: readonly RecommendationInstance[] };

export type FromWorker =
  | {
      readonly type: 'loaded';
      /** `InferenceSession.create`, milliseconds. */
      readonly sessionCreateMs: number;
      /** Loading onnxruntime-node in the worker (overlaps with the main thread's start). */
      readonly ortImportMs: number;
      readonly providers: readonly string[];
    }
  | { readonly type: 'load-error'; readonly message: string }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly results: readonly (readonly Recommendation[])[];
      readonly runMs: number;
    }
  | { readonly type: 'run-error'; readonly id: number; readonly message: string };
