import { describe, expect, it } from 'vitest';
import { guessCategory } from './category';
import { CATEGORIES } from './types';

describe('category from the file name', () => {
  it.each([
    ['Preisliste_2026.csv', 'price_list'],
    ['Preisliste…März.xlsx', 'price_list'],
    ['Teilepreisliste VW 03-2026.csv', 'price_list'],
    ['Preise_Zubehör.xlsx', 'price_list'],
    ['price list 2026.csv', 'price_list'],
    ['dealer-prices.csv', 'price_list'],
    ['PRICELIST_Q1.XLSX', 'price_list'],
    ['UPE 2026.csv', 'price_list'],
    ['Teileliste Golf 8.xlsx', 'catalog'],
    ['parts list.csv', 'catalog'],
    ['Parts_List.pdf', 'catalog'],
    ['ETK_Auszug.pdf', 'catalog'],
    ['Katalog Bremsen.pdf', 'catalog'],
    ['catalogue-20-pages.pdf', 'catalog'],
    ['Ersatzteile Mercedes.xlsx', 'catalog'],
    ['TSB 21-004.pdf', 'bulletin'],
    ['TSB21-004.pdf', 'bulletin'],
    ['Service Bulletin 42.pdf', 'bulletin'],
    ['Serviceinformation_Ölwechsel.pdf', 'bulletin'],
    ['Rückruf 2026-01.pdf', 'bulletin'],
    ['Reparaturanleitung Bremsen.pdf', 'manual'],
    ['Werkstatthandbuch.pdf', 'manual'],
    ['Owner Manual.pdf', 'manual'],
    ['notes.txt', ''],
    ['bulletproof-vests.csv', ''],
    ['Stepper.pdf', ''],
    ['', ''],
  ])('%s → %s', (name, want) => {
    expect(guessCategory(name)).toBe(want);
  });
  it('only guesses categories that exist', () => {
    for (const n of ['Preisliste.csv', 'Katalog.pdf', 'TSB.pdf', 'Handbuch.pdf']) {
      expect(CATEGORIES as readonly string[]).toContain(guessCategory(n));
    }
  });
});
