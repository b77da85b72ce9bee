// Package partno recognises and normalises automotive part numbers.
//
// Parts people write the same number in many ways: "12345-ABC 01",
// "12345abc01", "12345.ABC.01", "8E0-615-301-AG", "8E0 615 301 AG",
// "A 000 420 47 20" or "1K0/615/301/AA". Matching must therefore ignore case
// and every separator: [Normalize] reduces a string to its upper-case ASCII
// letters and digits, [LooksLikePartNumber] decides whether one token is
// plausibly a part number, and [Candidates] finds part numbers in free text,
// joining groups that were split by single spaces or dashes.
//
// The same functions run at index time (on chunk text) and at query time (on
// the question), so a number written differently in the two places still
// produces the same normalised form.
//
// # What counts as a part number
//
// After normalisation a token must be 5 to 24 characters long and contain a
// digit. All-digit tokens need at least 6 digits (BMW "11427953129", GM
// "12345678", EANs); tokens with letters need at least 2 digits (so words such
// as "Euro6" are skipped) and no run of 5 or more letters (so words and VINs
// such as "WVWZZZ1KZAW123456" are skipped, while Toyota "04152-YZZA6" with its
// 4-letter run is kept). The raw token is rejected when it has the shape of
// something else:
//
//   - a price or measured number: "19.99", "1.234,56", "1234.56", "1,234"
//     (any comma, or a final decimal group of 1 or 2 digits, or dotted
//     thousands groups of exactly 3 digits);
//   - a date or year range: "2024-01-15", "15.01.2024", "01/15/24",
//     "2008-2015", "2008/09";
//   - a time, e-mail, percentage, currency amount or anything else containing
//     characters other than letters, digits and the separators
//     space, "-", ".", "/" and "_" (":", "@", "%", "€", "$", "+", ...);
//   - a quantity with a unit ("220mm", "100Ah", "1500W", "2000rpm"), a
//     dimension ("320x30") or an oil viscosity ("10W-40");
//   - an international phone number (a leading "+").
//
// [Candidates] also skips phone numbers introduced by "+" or by a keyword such
// as "Tel", "Fax", "Phone" or "Mobile". A bare local phone number such as
// "1234567" cannot be told from a numeric part number and is reported.
//
// # Joining split numbers
//
// A whitespace-delimited token may itself contain single "-", ".", "/" or "_"
// separators ("XS4Z-9G756-AA"). Tokens separated by exactly one space (or a
// no-break or thin space) are joined when each following token is a single
// group of at most 5 letters or digits, greedily, keeping the longest join
// that looks like a part number: "A 000 420 47 20" gives "A0004204720" and
// "11 42 7 953 129" gives "11427953129". A join may start with a token that
// contains a digit, or with a single letter followed by an all-digit group
// (Mercedes-Benz "A 000 ..."); a group of letters only (at most 2, such as
// the VW index "AG") can only end a join, and a single digit never ends one,
// so a quantity such as "2 pcs" after a number is not absorbed. A longer
// quantity ("10 pcs") directly after a number and a single space is absorbed;
// in that case, when the first token is a complete part number on its own
// ("04152-YZZA6 10 pcs"), that token is reported as well, right after the
// joined form.
//
// # Brands and match keys
//
// Part numbers of different makes collide once separators are gone: a
// 10-digit "0004204720" is a Mercedes-Benz number without its "A", a Toyota
// base or another make's whole number. The brand is therefore always kept
// beside a key, and the functions below never drop or merge it.
//
// [BrandOf] turns a brand name as files and people write it into a canonical
// code: "Mercedes-Benz", "Mercedes", "MB", "Daimler" and "Benz" are
// "MERCEDES"; "VW", "Volkswagen" and "VAG" "VW"; "Škoda" "SKODA"; "Cupra"
// "SEAT"; "Vauxhall" "OPEL"; "Range Rover" "LAND ROVER"; "Mini", "Lexus" and
// "Smart" stay apart from BMW, Toyota and Mercedes-Benz. Case, accents,
// punctuation, legal forms ("AG", "GmbH & Co. KG", "S.p.A.") and words such
// as "Motor" or "Original Teile" at the end do not matter. The table covers
// the vehicle makes sold in Europe and the parts makers that appear in brand
// columns (Bosch, Mahle, Mann-Filter, febi bilstein, Lemförder, Meyle, ...).
// An unknown name is kept, upper-cased and tidied ("Brück & Söhne KG" →
// "BRUCK & SOHNE").
// [GuessBrand] names the make a number's shape belongs to, for files without
// a brand column, and says nothing for shapes several makes share.
//
// [Keys] gives the primary key a part is stored under ([Normalize] of the
// number) and its secondary keys, the forms counters ask by:
//
//	make                  number           secondary keys
//	BMW, MINI             34116794300      6794300 (the last 7 digits)
//	Mercedes-Benz         A0004204720      0004204720 (without the A)
//	VW, Audi, Skoda, Seat 1K0698151A       1K0698151 (without the index)
//	                      5G0853601A2ZZ    5G0853601, 5G0853601A (without colour)
//	                      N91014302        none (standard hardware)
//	Toyota, Lexus         044653347179     0446533471 (5-5 without the suffix)
//	others                                 none
//
// [Probes] turns one number a person typed (a [Candidates] result) into the
// keys to look up, most exact first, each marked as a probe of the primary
// or the secondary keys and with the kind of match a hit gives: [MatchExact],
// [MatchShort] (BMW's last 7, Mercedes-Benz without or with the "A") or
// [MatchBase] (another or no VW index or colour, Toyota suffix). Probes work
// both ways: "6794300" is looked up among the secondary keys (a file with
// 11-digit BMW numbers), "34116794300" also as "6794300" among the primary
// keys (a file that lists BMW by 7 digits). Probes after the first may hit
// another make's part: [Mentions] finds the brands a question names
// ("beim Benz", "what does the BMW 6794300 cost"), and the caller prefers
// them and shows the brand and [Probe.KindFor] beside every match.
//
// When nothing matches, [Confusions] offers the misreadings and typing slips
// of the number (O↔0, I↔1, L→1, S↔5, B↔8, Z↔2; one or two changes, a
// bounded number, in a fixed order) for a "did you mean" that is labelled as
// such; a number in no file is reported as not found, never answered with
// the nearest other part. [Display] prints a number the way its brand does
// ("34 11 6 794 300", "A 000 420 47 20", "1K0 698 151 A", "0 986 494 104",
// "04152-YZZA6", "XS4Z-9G756-AA").
//
// Keys and Probes run for every row of an import and every lookup: Keys
// allocates only the normalised key (when the number is not normalised) and
// its slice of secondary keys, which share the key's memory; Probes
// allocates only its result; BrandOf of a known name, GuessBrand and
// Mentions of a text without brands do not allocate.
package partno
