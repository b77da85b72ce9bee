package analytics

import (
	"fmt"
	"net/url"
)

// CSVFormat is how an export writes its CSV: the standard comma-separated
// file, or the variant a spreadsheet set to a comma-decimal locale (a German
// Excel) opens into columns with a double click.
type CSVFormat struct {
	// Name is the format's value of the export's format query parameter.
	Name string
	// Comma separates the cells.
	Comma rune
	// BOM starts the file with a UTF-8 byte order mark, which Excel needs to
	// read the file as UTF-8 rather than in the Windows code page.
	BOM bool
	// Suffix goes into the file name before ".csv" ("" for the standard).
	Suffix string
}

// The export formats: CSVStandard is the default; CSVExcelSemicolon is
// ?format=excel-semicolon. The exports hold whole numbers only, so the
// decimal separator never comes up; both formats neutralise formulas
// (internal/csvsafe) the same way.
var (
	CSVStandard       = CSVFormat{Name: "csv", Comma: ','}
	CSVExcelSemicolon = CSVFormat{Name: "excel-semicolon", Comma: ';', BOM: true, Suffix: "-excel"}
)

// csvFormats are the formats by name, for the query parameter.
var csvFormats = []CSVFormat{CSVStandard, CSVExcelSemicolon}

// utf8BOM is the UTF-8 encoding of U+FEFF.
const utf8BOM = "\uFEFF"

// csvFormatOf reads an export's format query parameter: empty is the
// standard format; an unknown name is an error sentence naming the choices.
func csvFormatOf(q url.Values) (CSVFormat, error) {
	name := q.Get("format")
	if name == "" {
		return CSVStandard, nil
	}
	for _, f := range csvFormats {
		if f.Name == name {
			return f, nil
		}
	}
	return CSVFormat{}, fmt.Errorf("format %q is not known: use format=csv (comma-separated, the default) or format=excel-semicolon (semicolons and a byte order mark, for Excel in German and other comma-decimal languages)", name)
}
