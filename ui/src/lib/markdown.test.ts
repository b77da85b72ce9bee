// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
  it('renders the Markdown of answers', () => {
    const html = renderMarkdown('**Brake pads** `1K0698151`\n\n- front\n- rear\n\n| part | price |\n| --- | --- |\n| 1K0 | 89.90 |');
    expect(html).toContain('<strong>Brake pads</strong>');
    expect(html).toContain('<code>1K0698151</code>');
    expect(html).toContain('<li>front</li>');
    expect(html).toContain('<td>89.90</td>');
  });

  it('removes scripts, event handlers, styles, frames and forms', () => {
    const html = renderMarkdown(
      '<script>alert(1)</script><img src=x onerror="alert(2)"><p onclick="alert(3)" style="color:red">hi</p>' +
        '<iframe src="https://evil.example"></iframe><form action="/x"><input name="q"></form><svg onload="alert(4)"></svg>',
    );
    for (const bad of ['<script', 'onerror', 'onclick', 'style=', '<iframe', '<form', '<svg', 'onload', '<img']) {
      expect(html).not.toContain(bad);
    }
    expect(html).toContain('hi');
  });

  it('drops javascript: and data: links and opens web links safely', () => {
    const html = renderMarkdown('[a](javascript:alert(1)) [b](data:text/html,<script>alert(1)</script>) [c](https://parts.example/x) [d](/documents/x)');
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/href="data:/i);
    expect(html).toContain('href="https://parts.example/x" target="_blank" rel="noopener noreferrer"');
    expect(html).toContain('href="/documents/x"');
    expect(html).not.toMatch(/href="\/documents\/x"[^>]*target/);
  });

  it('keeps task-list boxes but never editable', () => {
    const html = renderMarkdown('- [x] done\n- [ ] todo');
    expect(html).toMatch(/<input[^>]*disabled/);
    expect(html).not.toMatch(/<input(?![^>]*disabled)/);
  });
});
