// Package pricefile reads dealer price files and parts catalogs as typed
// rows: the part number, brand, description, prices with their currency,
// core charge, pack and order quantities, price group, returnable flag,
// weight, and the supersession a row states.
//
// A price file is a table in CSV (any delimiter and encoding dealers meet)
// or XLSX (every sheet), read with [extract.Rows]. [Read] finds the header
// row of each sheet below any title rows, maps its columns to [Field]s —
// from a mapping remembered for the supplier (by [Signature] of the
// headers) or by [Guess] from English and German header names — and parses
// every data row's values the way the trade writes them: "1.234,56 €",
// "1,234.56", "EUR 12.30", "VPE 10", "850 g", "ja", "A + B" (a set), "A /
// B" (alternatives). A row that cannot be read is reported with its sheet,
// line and a reason a person can act on, and reading goes on; a file
// without a part-number column stops with a [*NoPartColumnError] naming the
// columns it saw.
//
// The package parses; it does not store. Duplicate part numbers, the
// brand's canonical code (partno.BrandOf) and supersession chains across
// rows are the importer's concern.
package pricefile
