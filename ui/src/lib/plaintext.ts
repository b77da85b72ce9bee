import { Lexer, type Token, type Tokens } from 'marked';

/**
 * An answer's Markdown as the plain text a reader sees on screen: what
 * "Copy" puts on the clipboard, so that a pasted answer carries no `**`,
 * `>` or `|`. Paragraphs, quotes and headings become lines separated by a
 * blank line, list items keep a "- " or "1. " lead, table rows become
 * tab-separated lines, links show their text (and the address when it
 * differs), HTML tags are dropped and entities decoded. Load it lazily, as
 * markdown.ts: it brings marked.
 */
export function markdownToPlain(src: string): string {
  const blocks = Lexer.lex(src ?? '', { gfm: true, breaks: false });
  return blocksText(blocks).replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

function blocksText(tokens: Token[]): string {
  const out: string[] = [];
  for (const t of tokens) {
    const s = blockText(t);
    if (s !== '') out.push(s);
  }
  return out.join('\n\n');
}

function blockText(t: Token): string {
  switch (t.type) {
    case 'space':
    case 'def':
      return '';
    case 'hr':
      return '—';
    case 'code':
      return (t as Tokens.Code).text;
    case 'heading':
    case 'paragraph':
      return inlineText((t as Tokens.Paragraph).tokens ?? []).trim();
    case 'blockquote':
      return blocksText((t as Tokens.Blockquote).tokens ?? []);
    case 'list': {
      const list = t as Tokens.List;
      const start = typeof list.start === 'number' ? list.start : 1;
      return list.items
        .map((item, i) => {
          const lead = list.ordered ? `${start + i}. ` : '- ';
          const box = item.task ? (item.checked ? '[x] ' : '[ ] ') : '';
          const body = blocksText(item.tokens.filter((x) => x.type !== 'checkbox'))
            .split('\n')
            .join('\n' + ' '.repeat(lead.length));
          return lead + box + body;
        })
        .join(list.loose ? '\n\n' : '\n');
    }
    case 'table': {
      const table = t as Tokens.Table;
      const row = (cells: Tokens.TableCell[]) => cells.map((c) => inlineText(c.tokens).trim()).join('\t');
      return [row(table.header), ...table.rows.map(row)].join('\n');
    }
    case 'html':
      return htmlText((t as Tokens.HTML).text).trim();
    case 'text': {
      // a tight list item's text: inline tokens of its own
      const x = t as Tokens.Text;
      return x.tokens ? inlineText(x.tokens) : decodeEntities(x.text);
    }
    default: {
      const x = t as { tokens?: Token[]; text?: string };
      return x.tokens ? inlineText(x.tokens) : decodeEntities(x.text ?? '');
    }
  }
}

function inlineText(tokens: Token[]): string {
  let out = '';
  for (const t of tokens) {
    switch (t.type) {
      case 'br':
        out += '\n';
        break;
      case 'codespan':
        out += decodeEntities((t as Tokens.Codespan).text);
        break;
      case 'escape':
        out += (t as Tokens.Escape).text;
        break;
      case 'html':
        out += /^<br\s*\/?>$/i.test((t as Tokens.HTML).text.trim()) ? '\n' : htmlText((t as Tokens.HTML).text);
        break;
      case 'link': {
        const link = t as Tokens.Link;
        const text = inlineText(link.tokens ?? []);
        out += link.href && link.href !== text && !link.href.startsWith('mailto:') ? `${text} (${link.href})` : text;
        break;
      }
      case 'image':
        out += (t as Tokens.Image).text;
        break;
      case 'checkbox':
        break;
      default: {
        const x = t as { tokens?: Token[]; text?: string };
        out += x.tokens ? inlineText(x.tokens) : decodeEntities(x.text ?? '');
      }
    }
  }
  return out;
}

/** The text of an HTML fragment: tags dropped, entities decoded. */
function htmlText(html: string): string {
  return decodeEntities(html.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, ''));
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}
