package extract

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
)

// streamBufferSize is the read buffer of streamed formats; CSV delimiter
// detection looks at up to this many leading bytes.
const streamBufferSize = 64 << 10

// source is the document being extracted: a stream, or random access when
// the caller's reader supports it.
type source struct {
	ra       io.ReaderAt // non-nil when the caller's reader is random access
	size     int64
	counter  *countingReader
	br       *bufio.Reader
	maxInput int64
}

func newSource(r io.Reader, size, maxInput int64) (*source, error) {
	if size > maxInput {
		return nil, tooLargeInput(maxInput)
	}
	s := &source{size: size, maxInput: maxInput}
	if ra, ok := r.(io.ReaderAt); ok && size > 0 {
		s.ra = ra
		r = io.NewSectionReader(ra, 0, size)
	}
	s.counter = &countingReader{r: r, max: maxInput}
	s.br = bufio.NewReaderSize(s.counter, streamBufferSize)
	return s, nil
}

func tooLargeInput(max int64) error {
	return newError(ErrTooLarge, nil, "the file is larger than %d MB, the limit of the built-in processor", max>>20)
}

// head returns up to n leading bytes without consuming them.
func (s *source) head(n int) ([]byte, error) {
	if s.ra != nil {
		buf := make([]byte, min(int64(n), s.size))
		m, err := s.ra.ReadAt(buf, 0)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		return buf[:m], nil
	}
	b, err := s.br.Peek(n)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	return b, nil
}

// reader returns the document as a buffered stream from its start.
func (s *source) reader() *bufio.Reader { return s.br }

// bytesRead returns how many bytes of the document were read.
func (s *source) bytesRead() int64 {
	if s.ra != nil && s.counter.n == 0 {
		return s.size
	}
	return s.counter.n
}

// randomAccess returns the document as an io.ReaderAt, buffering it in
// memory up to memLimit bytes and in a temporary file beyond that.
func (s *source) randomAccess(memLimit int64, tempDir string) (*randomAccess, error) {
	if s.ra != nil {
		return &randomAccess{ReaderAt: s.ra, size: s.size}, nil
	}
	var buf bytes.Buffer
	if s.size > 0 && s.size <= memLimit {
		buf.Grow(int(s.size))
	}
	n, err := io.Copy(&buf, io.LimitReader(s.br, memLimit+1))
	if err != nil {
		return nil, readError(err)
	}
	if n <= memLimit {
		data := buf.Bytes()
		return &randomAccess{ReaderAt: bytes.NewReader(data), size: int64(len(data)), data: data}, nil
	}
	f, err := os.CreateTemp(tempDir, "counterpart-extract-*")
	if err != nil {
		return nil, err
	}
	ra := &randomAccess{ReaderAt: f, file: f, path: f.Name()}
	if _, err := buf.WriteTo(f); err != nil {
		ra.Close()
		return nil, err
	}
	m, err := io.Copy(f, s.br)
	if err != nil {
		ra.Close()
		return nil, readError(err)
	}
	ra.size = n + m
	return ra, nil
}

// readError keeps limit errors and wraps read failures.
func readError(err error) error {
	var de *docError
	if errors.As(err, &de) {
		return err
	}
	return newError(ErrUnreadable, err, "the file could not be read completely")
}

// randomAccess is a document opened for random access.
type randomAccess struct {
	io.ReaderAt
	size int64
	data []byte   // the document, when held in memory
	file *os.File // the temporary file, when spooled
	path string   // the name of file
}

// Close removes the temporary file, if any.
func (r *randomAccess) Close() error {
	if r.file == nil {
		return nil
	}
	err := r.file.Close()
	if rmErr := os.Remove(r.path); err == nil {
		err = rmErr
	}
	r.file = nil
	return err
}

// countingReader counts bytes and fails once more than max were read.
type countingReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, tooLargeInput(c.max)
	}
	return n, err
}
