import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../report/html.js';
import { HOSTILE, reportInput } from '../support/fixtures.js';

describe('renderHtml', () => {
  it('is self-contained: a CSP forbidding scripts and network, no external references', async () => {
    const html = await renderHtml(reportInput({ fail: true }));
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });
  it('escapes everything from a run (hostile function name, chart name, message)', async () => {
    const html = await renderHtml(reportInput({ fail: true, title: HOSTILE }));
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/<img/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
  it('has an svg per chart, the invariant rows, and a swimlane timeline with the replay command', async () => {
    const input = reportInput({ fail: true });
    const html = await renderHtml(input);
    expect((html.match(/<figure class="diagram"><svg/g) ?? []).length).toBe(input.charts.length);
    expect(html).toContain('data-invariant="INV-NO-LOST-CALL" data-status="fail"');
    expect(html).toContain('<th scope="col">cpu0</th><th scope="col">cpu1</th>');
    expect(html).toContain('data-lane="hotplug"');
    expect(html).toContain('npx smpcheck replay &#39;smp1:2cpu-1req-1hp:91:AQID&#39;');
    expect(html).toContain('invariant violated');
  });
  it('says all invariants hold when none failed', async () => {
    const html = await renderHtml(reportInput());
    expect(html).toContain('all invariants hold');
    expect(html).toContain('Counterexamples (0)');
  });
});
