import { describe, expect, it } from 'vitest';
import { parseProvisioningDelays } from '../../../cli/commands/local.js';

describe('parseProvisioningDelays', () => {
  it('reads a default delay and per-instance-type delays from repeated flags', () => {
    expect(parseProvisioningDelays(['400', 'ml.g5.xlarge=8000', 'ml.p4d.24xlarge=20000'])).toEqual({
      defaultMs: 400,
      byType: { 'ml.g5.xlarge': 8000, 'ml.p4d.24xlarge': 20000 },
    });
  });

  it('leaves the default to the region when only types are given', () => {
    expect(parseProvisioningDelays(['ml.g5.xlarge=8000']).defaultMs).toBeUndefined();
  });

  it('refuses a delay that is not a number, naming the flag', () => {
    expect(() => parseProvisioningDelays(['ml.g5.xlarge=slow'])).toThrow(/--provisioning-delay ml.g5.xlarge/);
  });
});
