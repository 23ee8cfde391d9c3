import { describe, expect, it } from 'vitest';
import { escapeDot, escapeHtml, escapeMarkdownCell, markdownCode } from '../../report/escape.js';
import { HOSTILE } from '../support/fixtures.js';

describe('escape', () => {
  it('escapeHtml turns a hostile function name into inert text', () => {
    expect(escapeHtml(HOSTILE)).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`a"b'c&d`)).toBe('a&quot;b&#39;c&amp;d');
  });
  it('escapeDot keeps quotes, backslashes and newlines inside one DOT string', () => {
    expect(escapeDot('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });
  it('escapeMarkdownCell escapes pipes and HTML', () => {
    expect(escapeMarkdownCell('x | <b>')).toBe('x \\| &lt;b&gt;');
  });
  it('markdownCode uses a fence longer than any backtick run inside', () => {
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('plain')).toBe('`plain`');
  });
});
