import { describe, expect, it } from 'vitest';
import { markdownToPlain } from './plaintext';

describe('markdownToPlain', () => {
  it('drops emphasis, quote and heading marks', () => {
    expect(markdownToPlain('# Brakes\n\nThe **front pads** are *1K0698151*.\n\n> Replace both sides.\n> Torque: 30 Nm')).toBe(
      'Brakes\n\nThe front pads are 1K0698151.\n\nReplace both sides.\nTorque: 30 Nm',
    );
  });

  it('reads a retrieval-only answer as on screen', () => {
    const md =
      'No AI model is connected; these are the best matching passages from your documents:\n\n' +
      '**1. Brake pads** (p. 3)\n> Brake pads 1K0698151 fit the Golf VII front axle.\n> Rear pads: 5Q0698451.';
    const plain = markdownToPlain(md);
    expect(plain).toBe(
      'No AI model is connected; these are the best matching passages from your documents:\n\n' +
        '1. Brake pads (p. 3)\n\nBrake pads 1K0698151 fit the Golf VII front axle.\nRear pads: 5Q0698451.',
    );
    expect(plain).not.toMatch(/\*\*|^>/m);
  });

  it('keeps list leads, task boxes and table cells', () => {
    expect(markdownToPlain('- front\n- rear **axle**\n\n3. drain\n4. fill')).toBe('- front\n- rear axle\n\n3. drain\n4. fill');
    expect(markdownToPlain('- [x] done\n- [ ] open')).toBe('- [x] done\n- [ ] open');
    expect(markdownToPlain('| part | price |\n| --- | --- |\n| `1K0` | 89.90 |')).toBe('part\tprice\n1K0\t89.90');
  });

  it('keeps code, decodes entities and escapes, drops HTML tags', () => {
    expect(markdownToPlain('```\nif a < b { x }\n```')).toBe('if a < b { x }');
    expect(markdownToPlain('Fish &amp; chips \\*not bold\\* &#8364; &lt;b&gt;')).toBe('Fish & chips *not bold* € <b>');
    expect(markdownToPlain('a<br>b <b>bold</b> <img src=x onerror=alert(1)>')).toBe('a\nb bold');
  });

  it('shows a link with its address unless the text is the address', () => {
    expect(markdownToPlain('See [the bulletin](https://parts.example/b7) or https://parts.example/x')).toBe(
      'See the bulletin (https://parts.example/b7) or https://parts.example/x',
    );
  });

  it('is empty for nothing', () => {
    expect(markdownToPlain('')).toBe('');
    expect(markdownToPlain('   \n\n ')).toBe('');
  });
});
