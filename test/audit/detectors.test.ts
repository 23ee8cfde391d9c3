import { describe, expect, it } from 'vitest';
import { backtraceToken, fifoOrder, offlineWarning, runDetectors } from '../../audit/detectors.js';
import { fault } from '../support/variants.js';

describe('detector checks (a detector must itself be tested by injection)', () => {
  it('the correct implementation passes every detector', () => {
    for (const d of runDetectors()) expect(d.failed, `${d.id}: ${d.message}`).toBe(false);
  });

  it('DET-OFFLINE-WARN: work injected onto an offline CPU\'s queue raises the "IPI on offline CPU" warning', () => {
    const ok = offlineWarning();
    expect(ok.message).toContain('1 "IPI on offline CPU" warning(s)');
    const b8 = offlineWarning(fault('B8-offline-warn-checks-queue'));
    expect(b8.failed).toBe(true);
    expect(b8.message).toContain('0 "IPI on offline CPU" warning(s)');
  });

  it('DET-BT-TOKEN: two stuck waiters backtrace the target once (B10 breaks it)', () => {
    expect(backtraceToken().failed).toBe(false);
    const b10 = backtraceToken(fault('B10-lockwait-no-bt-token'));
    expect(b10.failed).toBe(true);
    expect(b10.message).toContain('2 backtrace(s) of cpu1');
  });

  it('DET-FIFO: two async entries from one CPU run in queue order (llist-not-reversed breaks it)', () => {
    expect(fifoOrder().failed).toBe(false);
    expect(fifoOrder(fault('llist-not-reversed')).failed).toBe(true);
  });
});
