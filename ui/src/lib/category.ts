/**
 * A first guess at a document's category from its file name, in German and
 * English as dealers name their files: "Preisliste_2026.csv" is a price list,
 * "ETK_Teilekatalog.pdf" a catalog, "TSB 21-004.pdf" a bulletin,
 * "Reparaturanleitung Bremsen.pdf" a manual. The upload sends it as the
 * category; the person changes it on the document's page. A table uploaded
 * without one may still get "price list" from its columns on the server
 * (hooks/documents/category.go).
 */
import { CATEGORIES } from './types';

type Category = (typeof CATEGORIES)[number];

interface Rule {
  category: Category;
  /** found anywhere in the name's letters and digits, separators removed (German compounds: "Teilepreisliste") */
  stems: string[];
  /** whole words only: short abbreviations that would match inside other words */
  words?: string[];
}

// most specific first: a price list that calls itself a catalog is still a price list
const RULES: Rule[] = [
  { category: 'price_list', stems: ['preis', 'price', 'pricing'], words: ['upe'] },
  { category: 'catalog', stems: ['katalog', 'catalog', 'teileliste', 'partslist', 'ersatzteil', 'spareparts'], words: ['etk', 'epc'] },
  {
    category: 'bulletin',
    stems: ['bulletin', 'serviceinformation', 'serviceinfo', 'kundendienstinfo', 'technischemitteilung', 'rueckruf', 'recall'],
    words: ['tsb', 'tpi'],
  },
  { category: 'manual', stems: ['handbuch', 'manual', 'anleitung', 'repairguide', 'workshopguide'] },
];

function fold(s: string): string {
  return s
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

/** The category a file name suggests, '' when it suggests none. */
export function guessCategory(fileName: string): Category | '' {
  const base = fold(fileName.replace(/\.[a-z0-9]{1,5}$/i, ''));
  const words = base.split(/[^a-z0-9]+/).filter(Boolean);
  // "TSB21-004": the letters before the digits are a word too
  const parts = words.flatMap((w) => w.split(/(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])/));
  const flat = words.join('');
  for (const r of RULES) {
    if (r.stems.some((s) => flat.includes(s)) || (r.words ?? []).some((w) => parts.includes(w))) return r.category;
  }
  return '';
}
