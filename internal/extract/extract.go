// Package extract turns uploaded documents into text chunks for the
// built-in processor.
//
// [Extract] streams a PDF, DOCX, XLSX, CSV, plain-text or Markdown document
// and calls emit for each [Chunk] in document order. Prose is cut into
// chunks of about 1,000–1,500 bytes on paragraph or sentence boundaries with
// about 150 bytes of overlap, never across a page. Tables (CSV and XLSX) are
// grouped by rows and rendered as "Header: value | Header: value" lines, so a
// chunk read on its own still says what each value is.
//
// [Sniff] and [Matches] let the upload flow check that the bytes of a file
// agree with its declared content type and name.
//
// The package uses no cgo: PDFs are read with github.com/ledongthuc/pdf,
// XLSX with github.com/xuri/excelize/v2, everything else with the standard
// library and golang.org/x/text.
package extract

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
)

// Chunk is one passage of extracted text.
type Chunk struct {
	// Ordinal is the position of the chunk in the document, starting at 0.
	Ordinal int
	// Page is the 1-based page the chunk comes from, or 0 when the format
	// has no pages (CSV, XLSX, plain text, Markdown).
	Page int
	// Row is the spreadsheet row number of the first row in the chunk, as a
	// person sees it (the first line of the file is row 1), or 0 for prose.
	// Line k of a table chunk's Text is row Row+k: a blank row between two
	// of its rows is an empty line.
	Row int
	// Sheet is the worksheet name for XLSX chunks, empty otherwise.
	Sheet string
	// Text is the chunk text, valid UTF-8.
	Text string
}

// Stats summarises one extraction.
type Stats struct {
	// Pages is the number of pages of a PDF or DOCX (0 for other formats).
	Pages int
	// Rows is the number of non-empty data rows of a CSV or XLSX, header
	// rows excluded.
	Rows int
	// Chunks is the number of chunks emitted.
	Chunks int
	// Bytes is the number of bytes of the document that were read.
	Bytes int64
}

// Errors returned by Extract. The returned errors wrap these sentinels and
// carry a message that a person can act on; test them with errors.Is.
var (
	// ErrUnsupportedType reports a file whose type is not supported, or
	// whose bytes are not of any supported type.
	ErrUnsupportedType = errors.New("unsupported file type")
	// ErrUnreadable reports a damaged, encrypted or otherwise unreadable
	// document.
	ErrUnreadable = errors.New("unreadable document")
	// ErrNoText reports a readable document without any text, such as a
	// PDF of scanned images.
	ErrNoText = errors.New("no text found")
	// ErrTooLarge reports a document that exceeds a limit of the
	// [Extractor]: too much text, or an archive that expands too much (a
	// zip bomb).
	ErrTooLarge = errors.New("document too large")
)

// docError is an error with a message for people that wraps one of the
// sentinel errors and, optionally, the technical cause.
type docError struct {
	kind  error
	msg   string
	cause error
}

func (e *docError) Error() string {
	if e.cause == nil {
		return e.msg
	}
	return e.msg + " (" + e.cause.Error() + ")"
}

func (e *docError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

func newError(kind error, cause error, format string, args ...any) error {
	return &docError{kind: kind, msg: fmt.Sprintf(format, args...), cause: cause}
}

// Default limits of an [Extractor]; a zero field means its default.
const (
	// DefaultMaxTextBytes bounds the text emitted for one document.
	DefaultMaxTextBytes = 256 << 20
	// DefaultMaxUnzipRatio bounds how much a DOCX or XLSX may expand
	// compared with the file size.
	DefaultMaxUnzipRatio = 100
	// DefaultMinUnzipBytes is the expansion always allowed, whatever the
	// ratio says, so that small but valid files are never rejected.
	DefaultMinUnzipBytes = 16 << 20
	// DefaultMaxUnzipBytes is the hard cap on the expanded size of a DOCX
	// or XLSX.
	DefaultMaxUnzipBytes = 512 << 20
	// DefaultMaxInputBytes bounds the document size read from the input.
	DefaultMaxInputBytes = 1 << 30
	// DefaultMaxPDFPages bounds the number of PDF pages read.
	DefaultMaxPDFPages = 10000
	// DefaultMemoryBufferBytes is how much of a PDF, DOCX or XLSX is held
	// in memory before it is spooled to a temporary file.
	DefaultMemoryBufferBytes = 32 << 20
)

// Extractor extracts text with configurable limits. The zero value uses the
// defaults and is what [Extract] uses. An Extractor is safe for concurrent
// use.
type Extractor struct {
	// MaxTextBytes bounds the total text emitted (DefaultMaxTextBytes).
	MaxTextBytes int64
	// MaxUnzipRatio, MinUnzipBytes and MaxUnzipBytes bound the expanded
	// size of the parts read from a DOCX or XLSX archive:
	// clamp(size × MaxUnzipRatio, MinUnzipBytes, MaxUnzipBytes).
	MaxUnzipRatio int64
	MinUnzipBytes int64
	MaxUnzipBytes int64
	// MaxInputBytes bounds the size of the document (DefaultMaxInputBytes).
	MaxInputBytes int64
	// MaxPDFPages bounds the number of PDF pages read (DefaultMaxPDFPages).
	MaxPDFPages int
	// MemoryBufferBytes is how much of a PDF, DOCX or XLSX is kept in
	// memory before spooling to a temporary file (DefaultMemoryBufferBytes).
	MemoryBufferBytes int64
	// TempDir is where spooled files go; empty means os.TempDir().
	TempDir string
}

func orDefault(v, def int64) int64 {
	if v > 0 {
		return v
	}
	return def
}

// unzipLimit returns the maximum expanded size for an archive of size bytes.
func (x *Extractor) unzipLimit(size int64) int64 {
	ratio := orDefault(x.MaxUnzipRatio, DefaultMaxUnzipRatio)
	limit := size * ratio
	if size > 0 && limit/size != ratio { // overflow
		limit = orDefault(x.MaxUnzipBytes, DefaultMaxUnzipBytes)
	}
	limit = max(limit, orDefault(x.MinUnzipBytes, DefaultMinUnzipBytes))
	return min(limit, orDefault(x.MaxUnzipBytes, DefaultMaxUnzipBytes))
}

// Extract reads a document with the default limits; see [Extractor.Extract].
func Extract(ctx context.Context, r io.Reader, size int64, contentType, fileName string, emit func(Chunk) error) (Stats, error) {
	var x Extractor
	return x.Extract(ctx, r, size, contentType, fileName, emit)
}

// sniffLen is how many leading bytes are used to recognise a format.
const sniffLen = 4096

// Extract reads the document in r and calls emit for every chunk, in order.
//
// size is the document size in bytes, or 0 or less when unknown. The format
// is chosen from the bytes ([Sniff]) together with contentType and the
// extension of fileName: the declared type picks among the text formats
// (text/csv makes a .txt file a CSV), while the bytes win when they
// contradict a declared binary type. Use [Matches] to reject such uploads
// before calling Extract.
//
// CSV, text and Markdown are streamed. PDF, DOCX and XLSX need random
// access: if r implements io.ReaderAt and size > 0, the document is read
// with ReadAt from offset 0 to size, whatever the read position of r;
// otherwise it is buffered in memory up to MemoryBufferBytes and spooled to
// a temporary file beyond that.
//
// An error from emit stops the extraction and is returned as is. Other
// errors wrap [ErrUnsupportedType], [ErrUnreadable], [ErrNoText],
// [ErrTooLarge] or the context's error. Stats are returned in every case and
// describe what was emitted before an error.
func (x *Extractor) Extract(ctx context.Context, r io.Reader, size int64, contentType, fileName string, emit func(Chunk) error) (stats Stats, err error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return stats, err
	}
	src, err := newSource(r, size, orDefault(x.MaxInputBytes, DefaultMaxInputBytes))
	if err != nil {
		return stats, err
	}
	defer func() { stats.Bytes = src.bytesRead() }()

	head, err := src.head(sniffLen)
	if err != nil {
		return stats, newError(ErrUnreadable, err, "the file could not be read")
	}
	if len(head) == 0 {
		return stats, newError(ErrNoText, nil, "no text found: the file is empty")
	}
	kind, err := chooseKind(contentType, fileName, head)
	if err != nil {
		return stats, err
	}
	em := &emitter{ctx: ctx, emit: emit, stats: &stats, maxText: orDefault(x.MaxTextBytes, DefaultMaxTextBytes)}
	switch kind {
	case KindTxt, KindMarkdown:
		err = x.extractText(src.reader(), em)
	case KindCSV:
		err = x.extractCSV(src.reader(), em)
	case KindPDF, KindDOCX, KindXLSX:
		var ra *randomAccess
		ra, err = src.randomAccess(orDefault(x.MemoryBufferBytes, DefaultMemoryBufferBytes), x.TempDir)
		if err != nil {
			return stats, err
		}
		defer ra.Close()
		switch kind {
		case KindPDF:
			err = x.extractPDF(ra, em)
		case KindDOCX:
			err = x.extractDOCX(ra, em)
		default:
			err = x.extractXLSX(ra, em)
		}
	default:
		err = newError(ErrUnsupportedType, nil, "unsupported file type %q", kind)
	}
	return stats, unwrapEmit(err)
}

// chooseKind picks the format from the declared type, the name and the bytes.
func chooseKind(contentType, fileName string, head []byte) (string, error) {
	sniffed := Sniff(head, fileName)
	declared, known := kindOfType(contentType)
	if sniffed == KindUnknown {
		return "", newError(ErrUnsupportedType, nil, "unsupported file type: %s", describeUnknown(head, fileName))
	}
	if !known {
		return "", newError(ErrUnsupportedType, nil, "unsupported file type %q: upload a PDF, DOCX, XLSX, CSV, text or Markdown file", contentType)
	}
	if declared != "" && isTextKind(declared) && isTextKind(sniffed) {
		if declared == KindTxt {
			return sniffed, nil // text/plain for a .csv or .md: the extension says more
		}
		return declared, nil
	}
	return sniffed, nil
}

// emitter numbers chunks, enforces the text limit and checks the context.
type emitter struct {
	ctx       context.Context
	emit      func(Chunk) error
	stats     *Stats
	maxText   int64
	textBytes int64
}

// errEmit marks an error returned by the caller's emit function.
type errEmit struct{ err error }

func (e errEmit) Error() string { return e.err.Error() }
func (e errEmit) Unwrap() error { return e.err }

func (em *emitter) chunk(c Chunk) error {
	if err := em.ctx.Err(); err != nil {
		return err
	}
	em.textBytes += int64(len(c.Text))
	if em.textBytes > em.maxText {
		return newError(ErrTooLarge, nil, "the document has more than %d MB of text, the limit of the built-in processor", em.maxText>>20)
	}
	c.Ordinal = em.stats.Chunks
	if err := em.emit(c); err != nil {
		return errEmit{err}
	}
	em.stats.Chunks++
	return nil
}

// unwrapEmit returns the caller's own error unchanged.
func unwrapEmit(err error) error {
	var e errEmit
	if errors.As(err, &e) {
		return e.err
	}
	return err
}

// bufferedReader returns r as a *bufio.Reader with at least size bytes of
// buffer.
func bufferedReader(r io.Reader, size int) *bufio.Reader {
	if br, ok := r.(*bufio.Reader); ok && br.Size() >= size {
		return br
	}
	return bufio.NewReaderSize(r, size)
}
