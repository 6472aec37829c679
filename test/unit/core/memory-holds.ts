import type { CapacityHold, CapacityHolds } from '../../../core/ports/capacity-holds.js';

/**
 * {@link CapacityHolds} in memory, with the DynamoDB adapter's semantics (owner-conditioned
 * remove, `until` filters), for properties that run thousands of sequences. The adapter itself is
 * tested against dynalite (test/integration/adapters/dynamodb-capacity-holds.test.ts).
 */
export class MemoryHolds implements CapacityHolds {
  readonly holds = new Map<string, CapacityHold>();
  async put(hold: CapacityHold) {
    this.holds.set(`${hold.endpoint}|${hold.holdId}`, hold);
  }
  async remove(endpoint: string, holdId: string, owner?: string) {
    const held = this.holds.get(`${endpoint}|${holdId}`)?.window?.owner;
    if (owner !== undefined && held !== undefined && held !== owner) return false;
    this.holds.delete(`${endpoint}|${holdId}`);
    return true;
  }
  async active(endpoint: string, now: Date) {
    return [...this.holds.values()].filter(
      (h) => h.endpoint === endpoint && Date.parse(h.until) > now.getTime(),
    );
  }
  async lapsed(now: Date) {
    return [...this.holds.values()].filter((h) => h.window && Date.parse(h.until) <= now.getTime());
  }
}
