package extract

import (
	"bytes"
	"unicode/utf8"
	"unsafe"
)

// Chunk sizes, in bytes of UTF-8 (about characters for Latin text).
const (
	// chunkMin and chunkMax bound where prose is cut.
	chunkMin = 1000
	chunkMax = 1500
	// chunkOverlap is how much of a chunk is repeated at the start of the
	// next one on the same page.
	chunkOverlap = 150
	// chunkHardMax is where a run of text without any space (not a word:
	// a URL, a table rule, base64) is cut anyway.
	chunkHardMax = 4000
	// minCut is the smallest chunk cut early to keep a long token whole.
	minCut = 200
)

// chunker cuts a stream of prose into chunks on paragraph, line, sentence
// or word boundaries, with overlap, one page at a time.
//
// Text written to it is normalised on the way in: runs of spaces become one
// space, a run of blanks containing a tab becomes one tab (tabs separate
// table columns), line ends are "\n", at most one blank line is kept,
// trailing spaces and control characters are dropped.
type chunker struct {
	em    *emitter
	page  int
	row   int
	sheet string

	buf        []byte
	overlapLen int  // leading bytes of buf repeated from the previous chunk
	fresh      bool // buf has text beyond the overlap
	nextCheck  int  // length of buf at which to try the next cut

	// Pending whitespace, written before the next visible character.
	space    byte // 0, ' ' or '\t'
	newlines int  // 0, 1 or 2
	lastCR   bool
}

func newChunker(em *emitter) *chunker {
	return &chunker{em: em, buf: make([]byte, 0, chunkHardMax+utf8.UTFMax), nextCheck: chunkMax}
}

// writeString appends prose; see write.
func (c *chunker) writeString(s string) error {
	for i := 0; i < len(s); {
		// Copy runs of ordinary bytes in one go.
		j := i
		for j < len(s) && isPlain(s[j]) {
			j++
		}
		if j > i {
			c.flushSpace()
			c.buf = append(c.buf, s[i:j]...)
			c.fresh = true
			c.lastCR = false
			i = j
			if len(c.buf) >= c.nextCheck {
				if err := c.cut(); err != nil {
					return err
				}
			}
			continue
		}
		b := s[i]
		size := 1
		switch {
		case b == '\n':
			if !c.lastCR {
				c.newline(1)
			}
			c.lastCR = false
		case b == '\r':
			c.newline(1)
			c.lastCR = true
		case b == ' ':
			if c.space == 0 {
				c.space = ' '
			}
			c.lastCR = false
		case b == '\t':
			c.space = '\t'
			c.lastCR = false
		case b == '\f' || b == '\v':
			c.newline(2)
			c.lastCR = false
		case b < 0x20 || b == 0x7f:
			c.lastCR = false // other control characters are dropped
		default: // non-ASCII
			r, n := utf8.DecodeRuneInString(s[i:])
			size = n
			c.lastCR = false
			switch r {
			case '\u00a0', '\u2007', '\u202f', '\u2009', '\u200a', '\u3000':
				if c.space == 0 {
					c.space = ' '
				}
			case '\u2028':
				c.newline(1)
			case '\u2029':
				c.newline(2)
			case '\u200b', '\ufeff', '\u00ad': // zero-width space, BOM, soft hyphen
			default:
				c.flushSpace()
				c.buf = append(c.buf, s[i:i+n]...)
				c.fresh = true
				if len(c.buf) >= c.nextCheck {
					if err := c.cut(); err != nil {
						return err
					}
				}
			}
		}
		i += size
	}
	return nil
}

// write appends prose given as bytes.
func (c *chunker) write(b []byte) error {
	return c.writeString(unsafeString(b))
}

// isPlain reports whether b is a printable ASCII byte other than space.
func isPlain(b byte) bool { return b > ' ' && b < 0x7f }

func (c *chunker) newline(n int) {
	c.space = 0
	c.newlines = min(c.newlines+n, 2)
}

// paragraph ends the current paragraph.
func (c *chunker) paragraph() { c.newline(2) }

// flushSpace writes pending whitespace, unless at the start of a chunk.
func (c *chunker) flushSpace() {
	if len(c.buf) > 0 {
		switch {
		case c.newlines == 1:
			c.buf = append(c.buf, '\n')
		case c.newlines >= 2:
			c.buf = append(c.buf, '\n', '\n')
		case c.space != 0:
			c.buf = append(c.buf, c.space)
		}
	}
	c.space, c.newlines = 0, 0
}

// cut emits a chunk from the start of buf once it is long enough.
func (c *chunker) cut() error {
	k := boundary(c.buf)
	if k < 0 {
		c.nextCheck = len(c.buf) + 64
		return nil
	}
	text := bytes.TrimRight(c.buf[:k], " \t\n")
	if err := c.emitText(text); err != nil {
		return err
	}
	ov := overlapStart(text)
	n := copy(c.buf, text[ov:])
	n += copy(c.buf[n:], c.buf[k:])
	c.buf = c.buf[:n]
	c.overlapLen = len(text) - ov
	c.fresh = bytes.ContainsFunc(c.buf[c.overlapLen:], func(r rune) bool { return r > ' ' })
	c.nextCheck = chunkMax
	if len(c.buf) >= c.nextCheck {
		return c.cut()
	}
	return nil
}

// boundary returns where to end a chunk taken from the start of b, or -1 to
// wait for more text. The chunk is b[:k]; b[k] is whitespace or k is a rune
// boundary inside a token longer than chunkHardMax.
func boundary(b []byte) int {
	if len(b) < chunkMax {
		return -1
	}
	win := b[chunkMin:chunkMax]
	if i := bytes.LastIndex(win, []byte("\n\n")); i >= 0 {
		return chunkMin + i
	}
	if i := bytes.LastIndex(win, []byte("\n#")); i >= 0 { // Markdown heading
		return chunkMin + i
	}
	if i := bytes.LastIndexByte(win, '\n'); i >= 0 {
		return chunkMin + i
	}
	if i := lastSentenceEnd(win); i >= 0 {
		return chunkMin + i
	}
	if i := bytes.LastIndexAny(win, " \t"); i >= 0 {
		return chunkMin + i
	}
	// No break between chunkMin and chunkMax: a very long token.
	if i := bytes.LastIndexAny(b[:chunkMin], " \t\n"); i >= minCut {
		return i
	}
	if i := bytes.IndexAny(b[chunkMax:], " \t\n"); i >= 0 {
		return chunkMax + i
	}
	if len(b) < chunkHardMax {
		return -1
	}
	k := chunkHardMax
	for k > 0 && !utf8.RuneStart(b[k]) {
		k--
	}
	return k
}

// lastSentenceEnd returns the index just after the last ".", "!" or "?"
// that is followed by a space, or -1.
func lastSentenceEnd(b []byte) int {
	for i := len(b) - 2; i >= 0; i-- {
		if (b[i] == '.' || b[i] == '!' || b[i] == '?') && (b[i+1] == ' ' || b[i+1] == '\t') {
			return i + 1
		}
	}
	return -1
}

// overlapStart returns where the overlap repeated from text begins: about
// chunkOverlap bytes from the end, at a sentence start when one is near,
// otherwise at a word start.
func overlapStart(text []byte) int {
	n := len(text)
	if n < 2*chunkOverlap {
		return n
	}
	lo, hi := n-chunkOverlap-100, n-chunkOverlap+50
	if i := lastSentenceEnd(text[lo:hi]); i >= 0 {
		return lo + i + 1
	}
	s := n - chunkOverlap
	for s < n && text[s] != ' ' && text[s] != '\n' && text[s] != '\t' {
		s++
	}
	if s >= n-1 {
		return n
	}
	return s + 1
}

// emitText emits one chunk.
func (c *chunker) emitText(text []byte) error {
	if len(text) == 0 {
		return nil
	}
	return c.em.chunk(Chunk{Page: c.page, Row: c.row, Sheet: c.sheet, Text: string(text)})
}

// flush emits the text not yet emitted and starts afresh.
func (c *chunker) flush() error {
	var err error
	if c.fresh {
		err = c.emitText(bytes.TrimSpace(c.buf))
	}
	c.buf = c.buf[:0]
	c.overlapLen, c.fresh, c.nextCheck = 0, false, chunkMax
	c.space, c.newlines, c.lastCR = 0, 0, false
	return err
}

// setPage flushes and continues on page p, without overlap across pages.
func (c *chunker) setPage(p int) error {
	if p == c.page {
		return nil
	}
	err := c.flush()
	c.page = p
	return err
}

// unsafeString views b as a string without copying; b must not change
// while the string is used.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
