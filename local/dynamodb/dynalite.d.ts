// dynalite ships no types. This declares the one call the region uses.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** Time tables stay CREATING (default 500 ms). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    /** LevelDB directory; in memory when omitted. */
    path?: string;
    verbose?: boolean;
    debug?: boolean;
  }

  /** Returns an http.Server whose `request` listener implements DynamoDB (JSON 1.0). */
  export default function dynalite(options?: DynaliteOptions): Server;
}
