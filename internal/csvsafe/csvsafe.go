// Package csvsafe neutralises spreadsheet formula injection in CSV exports: a
// text cell that a spreadsheet would run as a formula (starting with =, +, -,
// @, a tab or a carriage return) gets a leading apostrophe, which spreadsheets
// show as text. It is applied to text cells only; numbers are written as such.
package csvsafe

// triggers are the first characters that make Excel, LibreOffice or Google
// Sheets treat a cell as a formula (OWASP "CSV Injection").
const triggers = "=+-@\t\r"

// Cell returns s safe to put in a CSV text cell.
func Cell(s string) string {
	if s == "" {
		return s
	}
	for i := 0; i < len(triggers); i++ {
		if s[0] == triggers[i] {
			return "'" + s
		}
	}
	return s
}

// Cells applies Cell to each of cells in place and returns them.
func Cells(cells []string) []string {
	for i, c := range cells {
		cells[i] = Cell(c)
	}
	return cells
}
