/** Request limits, shared by validation (main thread) and the inference worker (no zod there). */
export const MAX_QUERY_CHARS = 4000;
export const MAX_HISTORY_TURNS = 32;
export const MAX_BATCH = 64;
export const MAX_TOP_K = 50;
export const DEFAULT_TOP_K = 10;
