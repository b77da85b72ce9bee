package extract

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Text encodings recognised by decodeText.
const (
	encUTF8    = "UTF-8"
	encUTF16   = "UTF-16"
	encWindows = "Windows-1252"
)

// decodeText returns a reader of UTF-8 text for br, which holds text in
// UTF-8 (a byte-order mark is skipped), UTF-16 with a byte-order mark, or
// Windows-1252 (chosen when the first 64 KB are not valid UTF-8, as is
// common for price lists exported by older European software). Invalid
// UTF-8 further on is not repaired here; callers replace it.
func decodeText(br *bufio.Reader) (*bufio.Reader, string) {
	head, _ := br.Peek(streamBufferSize)
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3)
		return br, encUTF8
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return bufio.NewReaderSize(transform.NewReader(br, dec), streamBufferSize), encUTF16
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		return bufio.NewReaderSize(transform.NewReader(br, dec), streamBufferSize), encUTF16
	case isUTF8Prefix(head):
		return br, encUTF8
	}
	return bufio.NewReaderSize(transform.NewReader(br, charmap.Windows1252.NewDecoder()), streamBufferSize), encWindows
}

// extractText chunks a plain-text or Markdown document.
func (x *Extractor) extractText(br *bufio.Reader, em *emitter) error {
	r, _ := decodeText(br)
	c := newChunker(em)
	buf := make([]byte, 32<<10)
	carry := 0 // bytes of an incomplete rune kept from the previous read
	for {
		n, err := r.Read(buf[carry:])
		n += carry
		end := n
		if err == nil {
			end = completeRunes(buf[:n])
		}
		if end > 0 {
			chunk := buf[:end]
			if !utf8.Valid(chunk) {
				chunk = bytes.ToValidUTF8(chunk, []byte("\uFFFD"))
			}
			if werr := c.write(chunk); werr != nil {
				return werr
			}
		}
		carry = copy(buf, buf[end:n])
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return readError(err)
			}
			break
		}
		if err := em.ctx.Err(); err != nil {
			return err
		}
	}
	if err := c.flush(); err != nil {
		return err
	}
	if em.stats.Chunks == 0 {
		return newError(ErrNoText, nil, "no text found: the file contains only blank space")
	}
	return nil
}

// completeRunes returns the length of b without a trailing incomplete rune.
func completeRunes(b []byte) int {
	for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if utf8.FullRune(b[len(b)-i:]) {
				return len(b)
			}
			return len(b) - i
		}
	}
	return len(b)
}
