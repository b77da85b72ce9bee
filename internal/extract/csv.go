package extract

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

const (
	// delimiterScanLines is how many leading lines decide the delimiter.
	delimiterScanLines = 50
	// maxCSVLine bounds a physical line of a CSV file, so that a binary or
	// one-line file cannot make the CSV reader buffer it whole.
	maxCSVLine = 4 << 20
	// ctxCheckRows is how often long tables check for cancellation.
	ctxCheckRows = 1024
)

// csvDelimiters are the delimiters detectDelimiter chooses from, in order
// of preference on a tie.
var csvDelimiters = [...]byte{',', ';', '\t', '|'}

// extractCSV streams a CSV file: the delimiter is detected from the first
// lines, quotes are lazy, rows may have any number of fields, and rows are
// chunked by the table renderer. Only a few rows are held in memory.
func (x *Extractor) extractCSV(br *bufio.Reader, em *emitter) error {
	r, _ := decodeText(br)
	head, _ := r.Peek(streamBufferSize)
	delim := detectDelimiter(head)
	if d, ok := sepDirective(head); ok {
		// Excel's "sep=;" first line names the delimiter and is not a row.
		delim = d
		if _, err := r.ReadSlice('\n'); err != nil && !errors.Is(err, io.EOF) {
			return readError(err)
		}
	}
	cr := csv.NewReader(&lineGuard{r: r})
	cr.Comma = rune(delim)
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	t := newTable(em, "")
	extraLines := 0 // line breaks inside quoted fields so far
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var de *docError
			if errors.As(err, &de) {
				return err
			}
			return newError(ErrUnreadable, err, "the CSV file could not be read")
		}
		line, _ := cr.FieldPos(0)
		// A spreadsheet shows one row per record and an empty row per
		// blank line, so the row is the line minus earlier embedded breaks.
		row := line - extraLines
		for _, f := range rec {
			extraLines += strings.Count(f, "\n")
		}
		if err := t.add(row, rec); err != nil {
			return err
		}
		if n%ctxCheckRows == 0 {
			if err := em.ctx.Err(); err != nil {
				return err
			}
		}
	}
	if err := t.finish(); err != nil {
		return err
	}
	if em.stats.Chunks == 0 {
		return newError(ErrNoText, nil, "no text found: the CSV file has no values")
	}
	return nil
}

// sepDirective recognises Excel's "sep=X" first line.
func sepDirective(head []byte) (byte, bool) {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	if len(line) == 5 && bytes.EqualFold(line[:4], []byte("sep=")) {
		return line[4], line[4] != '"' && line[4] != '\r' && line[4] != '\n'
	}
	return 0, false
}

// detectDelimiter picks the delimiter among ",", ";", tab and "|" that
// occurs the same non-zero number of times, outside quotes, on the most of
// the first lines; ties go to the larger count, then to the order above.
// A ";" list with decimal commas ("89,90") is thus read as ";"-separated
// because the header line has no commas. Without any candidate it is ",".
func detectDelimiter(head []byte) byte {
	d, _, _ := scanDelimiter(head)
	return d
}

// scanDelimiter is detectDelimiter that also returns on how many of the
// scanned lines the chosen delimiter occurs its usual number of times
// (0 when no candidate occurs at all) and how many lines were scanned.
func scanDelimiter(head []byte) (delim byte, agree, lines int) {
	if len(head) == streamBufferSize {
		// Ignore the last, probably incomplete, line.
		if i := bytes.LastIndexByte(head, '\n'); i > 0 {
			head = head[:i]
		}
	}
	var counts [len(csvDelimiters)][]int
	var cur [len(csvDelimiters)]int
	inQuote := false
	endLine := func() {
		for d := range csvDelimiters {
			counts[d] = append(counts[d], cur[d])
			cur[d] = 0
		}
		lines++
	}
	for i := 0; i < len(head) && lines < delimiterScanLines; i++ {
		c := head[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\n':
			endLine()
		default:
			for d, dc := range csvDelimiters {
				if c == dc {
					cur[d]++
				}
			}
		}
	}
	if lines < delimiterScanLines {
		endLine()
	}
	best, bestLines, bestMode := byte(','), 0, 0
	for d, dc := range csvDelimiters {
		mode, agree := modeOf(counts[d])
		if mode == 0 {
			continue
		}
		if agree > bestLines || agree == bestLines && mode > bestMode {
			best, bestLines, bestMode = dc, agree, mode
		}
	}
	return best, bestLines, lines
}

// modeOf returns the most frequent non-zero value and how often it occurs.
func modeOf(v []int) (mode, n int) {
	freq := map[int]int{}
	for _, x := range v {
		if x > 0 {
			freq[x]++
		}
	}
	for x, f := range freq {
		if f > n || f == n && x > mode {
			mode, n = x, f
		}
	}
	return mode, n
}

// lineGuard fails when a physical line is longer than maxCSVLine.
type lineGuard struct {
	r       io.Reader
	lineLen int
}

func (g *lineGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	b := p[:n]
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		g.lineLen = len(b) - i - 1
	} else {
		g.lineLen += len(b)
	}
	if g.lineLen > maxCSVLine {
		return n, newError(ErrTooLarge, nil, "the CSV file has a line longer than %d MB: it may not be a CSV file", maxCSVLine>>20)
	}
	return n, err
}
