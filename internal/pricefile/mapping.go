package pricefile

import (
	"fmt"
	"strings"
)

// Mapping says which column of a sheet holds which field. Its JSON form is
// what the mapping screen sends and the importer remembers per supplier:
//
//	{"columns":[{"index":0,"header":"Teilenummer","field":"part_number"}],
//	 "default_brand":"","currency":"EUR"}
type Mapping struct {
	// Columns are the mapped columns; a column not listed is ignored.
	Columns []Column `json:"columns"`
	// DefaultBrand is the brand of rows without a brand column or value,
	// as written ("BMW", "Mercedes-Benz").
	DefaultBrand string `json:"default_brand"`
	// Currency is the ISO code of prices whose cell, row and header name
	// none; empty lets the file's majority decide, then "EUR".
	Currency string `json:"currency"`
}

// Column maps one column to a field.
type Column struct {
	// Index is the column's 0-based position (0 is column A).
	Index int `json:"index"`
	// Header is the column's header as the file writes it; when set,
	// Validate checks that the file still has it at Index.
	Header string `json:"header"`
	// Field is what the column holds.
	Field Field `json:"field"`
}

// MappingError is a mapping that cannot be used, with a sentence for the
// person correcting it.
type MappingError struct {
	// Index is the column the problem is about, -1 for the whole mapping.
	Index int `json:"index"`
	// Field is the field the problem is about, "" when none.
	Field Field `json:"field"`
	// Message says what is wrong and what to do.
	Message string `json:"message"`
}

func (e *MappingError) Error() string { return e.Message }

// Validate checks the mapping against the headers of the sheet it is for:
// a part-number column is required, every column must exist (and, when
// Column.Header is set, still carry that header, up to case and
// punctuation), no column may be mapped twice, every field must be known,
// and a field other than Description, OtherPrice and Ignore may be held by
// one column only. Currency must be empty or a currency code. The error is
// a *MappingError.
func (m Mapping) Validate(headers []string) error {
	seen := make(map[int]bool, len(m.Columns))
	holder := map[Field]int{}
	part := false
	for _, c := range m.Columns {
		if c.Index < 0 || c.Index >= len(headers) {
			return &MappingError{c.Index, c.Field, fmt.Sprintf("Column %s does not exist: the sheet has %d columns.", columnRef(c.Index), len(headers))}
		}
		name := headerLabel(headers, c.Index)
		if seen[c.Index] {
			return &MappingError{c.Index, c.Field, fmt.Sprintf("Column %s is mapped twice: map it once.", name)}
		}
		seen[c.Index] = true
		if c.Header != "" && keyOf(c.Header).compact != keyOf(headers[c.Index]).compact {
			return &MappingError{c.Index, c.Field, fmt.Sprintf("Column %s is %q in this file, not %q: the mapping is for another layout.",
				columnRef(c.Index), headers[c.Index], c.Header)}
		}
		fi, ok := info(c.Field)
		if !ok {
			return &MappingError{c.Index, c.Field, fmt.Sprintf("Column %s is mapped to %q, which is not a field: choose one of the fields offered.", name, c.Field)}
		}
		if !fi.Multiple {
			if other, dup := holder[c.Field]; dup {
				instead := Ignore.Label()
				if o := otherFor(c.Field); o != Ignore {
					instead = o.Label() + " or " + instead
				}
				return &MappingError{c.Index, c.Field, fmt.Sprintf("Columns %s and %s are both mapped to %s: choose one and map the other to %s.",
					headerLabel(headers, other), name, fi.Label, instead)}
			}
			holder[c.Field] = c.Index
		}
		part = part || c.Field == PartNumber
	}
	if !part {
		return &MappingError{-1, PartNumber, "No column is mapped to Part number: choose the part-number column."}
	}
	if m.Currency != "" {
		if _, ok := currencyCode(m.Currency); !ok {
			return &MappingError{-1, Currency, fmt.Sprintf("%q is not a currency: give a code such as EUR, CHF or USD.", m.Currency)}
		}
	}
	return nil
}

// otherFor is what a second column of f is mapped to instead.
func otherFor(f Field) Field {
	if f == ListPrice || f == NetPrice {
		return OtherPrice
	}
	return Ignore
}

// columnRef names column i the way a spreadsheet does: "C".
func columnRef(i int) string {
	if i < 0 {
		return fmt.Sprint(i)
	}
	return columnName(i)
}

// headerLabel names column i by its letter and header: `C ("UPE")`.
func headerLabel(headers []string, i int) string {
	if i < len(headers) && strings.TrimSpace(headers[i]) != "" && headers[i] != "Column "+columnName(i) {
		return fmt.Sprintf("%s (%q)", columnName(i), headers[i])
	}
	return columnRef(i)
}

// has reports whether some column is mapped to f.
func (m Mapping) has(f Field) bool {
	for _, c := range m.Columns {
		if c.Field == f {
			return true
		}
	}
	return false
}
