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
package partno
