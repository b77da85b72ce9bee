// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { summaryHTML } from './reportsummary';

// the shape hooks/reports/summary.go renders (a mail body with inline styles)
const mail = `<!doctype html>
<html><head><meta charset="utf-8"><title>Usage report: Smith &amp; Sons</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;max-width:720px">
<h1 style="font-size:20px">Usage report: Smith &amp; Sons</h1>
<p>2026-11-01 to 2026-11-30 (inclusive). The daily figures are attached as a CSV file.</p>
<table style="border-collapse:collapse" cellpadding="4">
<tr><th align="left" style="border-bottom:1px solid #d9e2ec">Questions</th><td align="right" style="border-bottom:1px solid #d9e2ec">5</td></tr>
</table>
<h2 style="font-size:16px">Most cited documents</h2>
<table style="border-collapse:collapse" cellpadding="4"><tr><th align="left">title</th></tr>
<tr><td>&lt;img src=x onerror=alert(1)&gt; brake-pads</td></tr></table>
<p style="color:#627d98;font-size:12px">Made by Counterpart on 2026-11-29 08:00 UTC.</p>
</body></html>`;

describe('summaryHTML', () => {
  it('keeps the headings, text and tables, without styles or the head', () => {
    const html = summaryHTML(mail);
    expect(html).toContain('Usage report: Smith &amp; Sons</h3>');
    expect(html).toContain('<h4>Most cited documents</h4>');
    expect(html).toContain('<th>Questions</th><td>5</td>');
    expect(html).toContain('Made by Counterpart');
    for (const gone of ['style=', '<title', '<meta', '<html', '<body', 'cellpadding', 'align=', '<h1', '<h2']) {
      expect(html).not.toContain(gone);
    }
  });

  it('keeps escaped markup as text', () => {
    const html = summaryHTML(mail);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; brake-pads');
    expect(html).not.toContain('<img');
  });

  it('removes anything that could run, link or load', () => {
    const html = summaryHTML(
      '<p onclick="alert(1)">a</p><script>alert(2)</script><img src=x onerror=alert(3)><a href="javascript:alert(4)">x</a>' +
        '<iframe src="https://evil.example"></iframe><style>body{display:none}</style><svg onload="alert(5)"></svg>' +
        '<form action="/x"><input name="q"></form><link rel="stylesheet" href="https://evil.example/x.css">',
    );
    for (const bad of ['onclick', '<script', '<img', 'onerror', '<a', 'javascript:', '<iframe', '<style', '<svg', '<form', '<input', '<link']) {
      expect(html).not.toContain(bad);
    }
    expect(html).toContain('<p>a</p>');
  });

  it('leaves text that looks like an attribute alone', () => {
    expect(summaryHTML('<p title="a">style=&quot;x&quot; onclick=y</p>')).toBe('<p>style="x" onclick=y</p>');
  });

  it('moves headings below the given level, never past h6', () => {
    expect(summaryHTML('<h1>a</h1><h2>b</h2><h5>c</h5><h6>d</h6>', 2)).toBe('<h2>a</h2><h3>b</h3><h6>c</h6><h6>d</h6>');
    expect(summaryHTML('<p>&lt;h1&gt;</p>', 3)).toBe('<p>&lt;h1&gt;</p>');
  });
});
