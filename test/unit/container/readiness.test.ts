import { describe, expect, it } from 'vitest';
import { type Phase, ReadinessGate } from '../../../container/readiness.js';

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('ReadinessGate', () => {
  it('answers traffic-ready only in ready, with every phase timed from process start', () => {
    const c = clock();
    const gate = new ReadinessGate({ gated: true, now: c.now });
    const seen: Phase[] = [];
    gate.onChange((phase) => seen.push(phase));
    c.advance(40);
    gate.enter('loading');
    expect(gate.trafficReady).toBe(false);
    c.advance(60);
    gate.enter('warming');
    expect(gate.trafficReady).toBe(false);
    c.advance(25);
    gate.enter('ready');
    expect(gate.trafficReady).toBe(true);
    expect(seen).toEqual(['loading', 'warming', 'ready']);
    expect(gate.snapshot().phases).toEqual([
      { phase: 'booting', startMs: 0, endMs: 40, durationMs: 40 },
      { phase: 'loading', startMs: 40, endMs: 100, durationMs: 60 },
      { phase: 'warming', startMs: 100, endMs: 125, durationMs: 25 },
      { phase: 'ready', startMs: 125 },
    ]);
  });

  it('stays not-ready after a failure and keeps the phase it failed in and why', () => {
    const gate = new ReadinessGate({ gated: true, now: () => 0 });
    gate.enter('loading');
    gate.fail('model.onnx: protobuf parsing failed');
    expect(gate.trafficReady).toBe(false);
    expect(gate.snapshot().failure).toEqual({
      phase: 'loading',
      reason: 'model.onnx: protobuf parsing failed',
    });
    expect(() => gate.enter('ready')).toThrow(/failed cannot go to ready/);
  });

  it('refuses to skip loading', () => {
    const gate = new ReadinessGate({ gated: true, now: () => 0 });
    expect(() => gate.enter('ready')).toThrow(/booting cannot go to ready/);
  });

  it('reports traffic-ready from the start without the gate (naive baseline), until it fails', () => {
    const gate = new ReadinessGate({ gated: false, now: () => 0 });
    expect(gate.trafficReady).toBe(true);
    gate.fail('boom');
    expect(gate.trafficReady).toBe(false);
  });

  it('stops being traffic-ready while draining', () => {
    const gate = new ReadinessGate({ gated: true, now: () => 0 });
    gate.enter('loading');
    gate.enter('ready');
    gate.startDraining();
    expect(gate.trafficReady).toBe(false);
    expect(gate.snapshot().draining).toBe(true);
  });
});
