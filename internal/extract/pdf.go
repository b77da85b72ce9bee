package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// PDF reading.
//
// The parser is github.com/ledongthuc/pdf, the maintained fork of rsc.io/pdf:
// pure Go, reads classic and stream cross-reference tables, object streams,
// RC4/AES-128 encryption with an empty user password, ToUnicode CMaps and
// the standard encodings. Its own text helpers glue words together and do
// not follow Form XObjects, so the content streams are interpreted here with
// pdf.Interpret: the text state is tracked, strings are positioned with the
// font widths, and lines, word gaps (a space) and column gaps (a tab) are
// rebuilt from the positions, in content order.

const (
	// maxFormDepth bounds nested Form XObjects.
	maxFormDepth = 8
	// maxPageTreeDepth bounds the depth of the page tree.
	maxPageTreeDepth = 64
	// pdfOpsCheck is how often the interpreter checks the context.
	pdfOpsCheck = 4096
	// pdfTailWindow is how far from the end "%%EOF" is looked for when a
	// file has trailing garbage.
	pdfTailWindow = 64 << 10
	// estimatedWidth is the glyph width (1/1000 em) used for fonts that
	// have no widths, such as the standard 14 fonts.
	estimatedWidth = 500
)

// Messages for people.
const (
	msgPDFDamaged   = "the PDF could not be read: it may be damaged or use features the built-in processor does not support"
	msgPDFEncrypted = "the PDF could not be read: it is password-protected or encrypted; remove the protection (for example by printing it to a new PDF) and upload it again"
	msgPDFNoText    = "no text found: the PDF may be scanned images; OCR is not supported by the built-in processor"
)

// extractPDF extracts the text of each page and chunks it page by page.
func (x *Extractor) extractPDF(ra *randomAccess, em *emitter) error {
	file := newPDFFile(ra.ReaderAt, ra.size, em)
	r, err := openPDF(file, ra.size, em)
	if err != nil {
		return err
	}
	file.limit(-1) // the page walk is bounded by its own visit count
	maxPages := x.MaxPDFPages
	if maxPages <= 0 {
		maxPages = DefaultMaxPDFPages
	}
	pages, err := pdfPages(r, maxPages, em)
	if err != nil {
		return err
	}
	em.stats.Pages = len(pages)
	if len(pages) == 0 {
		return newError(ErrUnreadable, nil, "%s: it has no pages", msgPDFDamaged)
	}
	c := newChunker(em)
	failed := 0
	var firstErr error
	for i, p := range pages {
		if err := em.ctx.Err(); err != nil {
			return err
		}
		file.limit(file.pageBudget)
		budget := int(min(em.maxText-em.textBytes, math.MaxInt32))
		text, err := pageText(em, p, budget)
		if err != nil {
			var de *docError
			if errors.As(err, &de) || em.ctx.Err() != nil {
				return err
			}
			failed++
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if !hasWordChar(text) {
			continue
		}
		if err := c.setPage(i + 1); err != nil {
			return err
		}
		if err := c.write(text); err != nil {
			return err
		}
	}
	if err := c.flush(); err != nil {
		return err
	}
	if em.stats.Chunks == 0 {
		if failed > 0 {
			return newError(ErrUnreadable, firstErr, "%s", msgPDFDamaged)
		}
		return newError(ErrNoText, nil, "%s", msgPDFNoText)
	}
	return nil
}

// openPDF opens the document, tolerating a PDF 2.0 header and garbage after
// the last "%%EOF", and turns parser failures and panics into ErrUnreadable.
func openPDF(view *pdfFile, size int64, em *emitter) (r *pdf.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, newError(ErrUnreadable, fmt.Errorf("pdf: %v", p), "%s", msgPDFDamaged)
		}
	}()
	ra := view.r
	view.limit(view.pageBudget)
	view.seen = map[int64]int{}
	r, err = pdf.NewReader(view, size)
	if err != nil && strings.Contains(err.Error(), "missing %%EOF") {
		if end := lastEOF(ra, size); end > 0 {
			clear(view.seen)
			r, err = pdf.NewReader(view, end)
		}
	}
	view.seen = nil
	if err == nil {
		return r, nil
	}
	if ctxErr := em.ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		return nil, ctxErr
	}
	if errors.Is(err, pdf.ErrInvalidPassword) || strings.Contains(strings.ToLower(err.Error()), "encrypt") {
		return nil, newError(ErrUnreadable, err, "%s", msgPDFEncrypted)
	}
	return nil, newError(ErrUnreadable, err, "%s", msgPDFDamaged)
}

// pdfFile is the document as the parser sees it. It presents a header of
// "%PDF-1.x" followed by a line end, as the parser insists on, when the
// file says "%PDF-2.0" or has more on the header line; and it bounds the
// parser's work: every read checks the context and counts against a read
// budget, so that a structure the parser would follow forever fails
// instead. While the file is opened, no offset may be read more than
// pdfMaxRereads times (a /Prev chain of cross-reference tables that loops
// back); each page may then read up to pageBudget bytes (the parser reads
// at least 4 KB per object it resolves, and resolves objects again each
// time they are looked up).
type pdfFile struct {
	r          io.ReaderAt
	em         *emitter
	read       int64
	budget     int64 // negative: no budget
	pageBudget int64
	seen       map[int64]int
}

// errReadBudget aborts a parser that reads far more than the file.
var errReadBudget = errors.New("the parser read the file over and over: its structure loops")

const (
	// pdfReadAmplification and pdfMinReadBudget set the read budget of
	// opening the file and of each page: the larger of pdfMinReadBudget
	// and pdfReadAmplification times the file size.
	pdfReadAmplification = 16
	pdfMinReadBudget     = 256 << 20
	// pdfMaxRereads bounds reads of one offset while opening the file.
	pdfMaxRereads = 32
)

func newPDFFile(r io.ReaderAt, size int64, em *emitter) *pdfFile {
	budget := int64(pdfMinReadBudget)
	if size < math.MaxInt64/pdfReadAmplification {
		budget = max(budget, size*pdfReadAmplification)
	}
	return &pdfFile{r: r, em: em, budget: budget, pageBudget: budget}
}

// limit starts counting reads afresh against budget (negative: none).
func (h *pdfFile) limit(budget int64) {
	h.read, h.budget = 0, budget
}

func (h *pdfFile) ReadAt(p []byte, off int64) (int, error) {
	if err := h.em.ctx.Err(); err != nil {
		panic(err)
	}
	if h.read += int64(len(p)); h.budget >= 0 && h.read > h.budget {
		panic(errReadBudget)
	}
	if h.seen != nil {
		if h.seen[off]++; h.seen[off] > pdfMaxRereads {
			panic(errReadBudget)
		}
	}
	n, err := h.r.ReadAt(p, off)
	if off < 9 {
		var head [9]byte
		if m, _ := h.r.ReadAt(head[:], 0); m == 9 && bytes.HasPrefix(head[:], magicPDF) {
			fixed := []byte("%PDF-1.7\n")
			if head[5] == '1' && head[6] == '.' && head[7] >= '0' && head[7] <= '7' {
				copy(fixed[5:], head[5:8])
			}
			for i := off; i < 9 && int(i-off) < n; i++ {
				p[i-off] = fixed[i]
			}
		}
	}
	return n, err
}

// lastEOF returns the size of the file up to and including its last
// "%%EOF" marker, or 0.
func lastEOF(ra io.ReaderAt, size int64) int64 {
	start := max(size-pdfTailWindow, 0)
	buf := make([]byte, size-start)
	n, _ := ra.ReadAt(buf, start)
	if i := bytes.LastIndex(buf[:n], []byte("%%EOF")); i >= 0 {
		return start + int64(i) + 5
	}
	return 0
}

// pdfPages lists the page objects in order. It walks the page tree itself,
// with a depth and count bound, because a cyclic tree makes the parser's
// own page lookup loop forever.
func pdfPages(r *pdf.Reader, maxPages int, em *emitter) (pages []pdf.Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			pages = nil
			if err = em.ctx.Err(); err == nil {
				err = newError(ErrUnreadable, fmt.Errorf("pdf: %v", p), "%s", msgPDFDamaged)
			}
		}
	}()
	root := r.Trailer().Key("Root").Key("Pages")
	if root.IsNull() {
		return nil, newError(ErrUnreadable, nil, "%s: the page tree is missing", msgPDFDamaged)
	}
	visits := 0
	var walk func(node pdf.Value, depth int) error
	walk = func(node pdf.Value, depth int) error {
		if visits++; visits > 4*maxPages+16 || depth > maxPageTreeDepth {
			return newError(ErrUnreadable, nil, "%s: its page tree is malformed", msgPDFDamaged)
		}
		kids := node.Key("Kids")
		if node.Key("Type").Name() == "Pages" || kids.Kind() == pdf.Array && node.Key("Contents").IsNull() {
			for i := 0; i < kids.Len(); i++ {
				if err := walk(kids.Index(i), depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if node.Kind() != pdf.Dict {
			return nil
		}
		if len(pages) >= maxPages {
			return newError(ErrTooLarge, nil, "the PDF has more than %d pages, the limit of the built-in processor", maxPages)
		}
		pages = append(pages, node)
		return nil
	}
	if err := walk(root, 0); err != nil {
		return nil, err
	}
	return pages, nil
}

// errTextBudget aborts a page whose text exceeds the remaining budget.
var errTextBudget = errors.New("text budget exceeded")

// pageText returns the text of one page. Parser panics become errors.
func pageText(em *emitter, page pdf.Value, budget int) (text []byte, err error) {
	w := &pageWriter{budget: budget}
	defer func() {
		if p := recover(); p != nil {
			switch {
			case em.ctx.Err() != nil:
				err = em.ctx.Err()
			case p == errReadBudget:
				err = newError(ErrUnreadable, errReadBudget, "%s", msgPDFDamaged)
			case p == errTextBudget:
				err = newError(ErrTooLarge, nil, "the document has more than %d MB of text, the limit of the built-in processor", em.maxText>>20)
			case len(w.out) > 0:
				// Keep the text read before the parser gave up on the page.
				text, err = w.out, nil
				return
			default:
				err = fmt.Errorf("pdf: %v", p)
			}
			text = nil
		}
	}()
	ip := &interp{em: em, w: w, fonts: map[string]*fontInfo{}}
	ip.g = gstate{ctm: ident, th: 1}
	ip.run(page.Key("Contents"), inheritedResources(page), 0)
	return w.out, nil
}

// inheritedResources returns the page's resources, possibly inherited from
// an ancestor in the page tree.
func inheritedResources(page pdf.Value) pdf.Value {
	v := page
	for i := 0; i < maxPageTreeDepth && !v.IsNull(); i++ {
		if res := v.Key("Resources"); !res.IsNull() {
			return res
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

// matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

var ident = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func translate(tx, ty float64) matrix { return matrix{1, 0, 0, 1, tx, ty} }

// gstate is the part of the graphics state that positions text.
type gstate struct {
	ctm                   matrix
	tc, tw, th, tl, trise float64
	tfs                   float64
	font                  *fontInfo
}

// interp interprets content streams and writes their text.
type interp struct {
	em    *emitter
	w     *pageWriter
	g     gstate
	stack []gstate
	tm    matrix
	tlm   matrix
	fonts map[string]*fontInfo
	ops   int
}

// run interprets a content stream (or array of streams) with resources.
func (ip *interp) run(strm pdf.Value, res pdf.Value, depth int) {
	if strm.IsNull() {
		return
	}
	fonts := ip.fonts
	if depth > 0 {
		fonts = map[string]*fontInfo{} // a form has its own font names
	}
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		if ip.ops++; ip.ops%pdfOpsCheck == 0 {
			if err := ip.em.ctx.Err(); err != nil {
				panic(err)
			}
		}
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		ip.op(op, args, res, fonts, depth)
	})
}

func (ip *interp) op(op string, args []pdf.Value, res pdf.Value, fonts map[string]*fontInfo, depth int) {
	g := &ip.g
	num := func(i int) float64 { return args[i].Float64() }
	switch op {
	case "q":
		if len(ip.stack) < 256 {
			ip.stack = append(ip.stack, ip.g)
		}
	case "Q":
		if n := len(ip.stack); n > 0 {
			ip.g = ip.stack[n-1]
			ip.stack = ip.stack[:n-1]
		}
	case "cm":
		if len(args) == 6 {
			g.ctm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(g.ctm)
		}
	case "BT":
		ip.tm, ip.tlm = ident, ident
	case "Tc":
		if len(args) == 1 {
			g.tc = num(0)
		}
	case "Tw":
		if len(args) == 1 {
			g.tw = num(0)
		}
	case "Tz":
		if len(args) == 1 {
			g.th = num(0) / 100
		}
	case "TL":
		if len(args) == 1 {
			g.tl = num(0)
		}
	case "Ts":
		if len(args) == 1 {
			g.trise = num(0)
		}
	case "Tf":
		if len(args) == 2 {
			g.font = ip.font(args[0].Name(), res, fonts)
			g.tfs = num(1)
		}
	case "TD":
		if len(args) == 2 {
			g.tl = -num(1)
		}
		fallthrough
	case "Td":
		if len(args) == 2 {
			ip.tlm = translate(num(0), num(1)).mul(ip.tlm)
			ip.tm = ip.tlm
		}
	case "Tm":
		if len(args) == 6 {
			ip.tm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}
			ip.tlm = ip.tm
		}
	case "T*":
		ip.nextLine()
	case "Tj":
		if len(args) == 1 {
			ip.show(args[0].RawString())
		}
	case "'":
		if len(args) == 1 {
			ip.nextLine()
			ip.show(args[0].RawString())
		}
	case "\"":
		if len(args) == 3 {
			g.tw, g.tc = num(0), num(1)
			ip.nextLine()
			ip.show(args[2].RawString())
		}
	case "TJ":
		if len(args) != 1 {
			return
		}
		a := args[0]
		for i := 0; i < a.Len(); i++ {
			v := a.Index(i)
			if v.Kind() == pdf.String {
				ip.show(v.RawString())
			} else {
				ip.tm = translate(-v.Float64()/1000*g.tfs*g.th, 0).mul(ip.tm)
			}
		}
	case "Do":
		if len(args) == 1 && depth < maxFormDepth {
			ip.form(res.Key("XObject").Key(args[0].Name()), res, depth)
		}
	}
}

func (ip *interp) nextLine() {
	ip.tlm = translate(0, -ip.g.tl).mul(ip.tlm)
	ip.tm = ip.tlm
}

// form interprets a Form XObject.
func (ip *interp) form(xobj pdf.Value, res pdf.Value, depth int) {
	if xobj.Kind() != pdf.Stream || xobj.Key("Subtype").Name() != "Form" {
		return
	}
	saved, savedTm, savedTlm := ip.g, ip.tm, ip.tlm
	if m := xobj.Key("Matrix"); m.Len() == 6 {
		ip.g.ctm = matrix{m.Index(0).Float64(), m.Index(1).Float64(), m.Index(2).Float64(),
			m.Index(3).Float64(), m.Index(4).Float64(), m.Index(5).Float64()}.mul(ip.g.ctm)
	}
	if r := xobj.Key("Resources"); !r.IsNull() {
		res = r
	}
	ip.run(xobj, res, depth+1)
	ip.g, ip.tm, ip.tlm = saved, savedTm, savedTlm
}

// show positions and writes one string.
func (ip *interp) show(s string) {
	g := &ip.g
	f := g.font
	if f == nil {
		f = defaultFont
	}
	var w float64
	codes, spaces := 0, 0
	if f.twoByte {
		for i := 0; i+1 < len(s); i += 2 {
			w += f.width(int(s[i])<<8 | int(s[i+1]))
			codes++
		}
	} else {
		for i := 0; i < len(s); i++ {
			w += f.width(int(s[i]))
			if s[i] == ' ' {
				spaces++
			}
		}
		codes = len(s)
	}
	trm := matrix{g.tfs * g.th, 0, 0, g.tfs, 0, g.trise}.mul(ip.tm).mul(g.ctm)
	size := math.Hypot(trm[2], trm[3])
	tx := (w*f.scale/1000*g.tfs + float64(codes)*g.tc + float64(spaces)*g.tw) * g.th
	ip.tm = translate(tx, 0).mul(ip.tm)
	end := matrix{g.tfs * g.th, 0, 0, g.tfs, 0, g.trise}.mul(ip.tm).mul(g.ctm)
	ip.w.add(f.decode(s), trm[4], trm[5], end[4], size)
}

// font loads and caches the font called name in res.
func (ip *interp) font(name string, res pdf.Value, cache map[string]*fontInfo) *fontInfo {
	if f, ok := cache[name]; ok {
		return f
	}
	f := loadFont(res.Key("Font").Key(name))
	cache[name] = f
	return f
}

// fontInfo is what the interpreter needs of a font.
type fontInfo struct {
	enc     pdf.TextEncoding
	twoByte bool
	first   int
	widths  []float64
	cid     map[int]float64
	dw      float64 // default width
	scale   float64 // glyph space to 1/1000 em
}

var defaultFont = &fontInfo{dw: estimatedWidth, scale: 1}

func (f *fontInfo) width(code int) float64 {
	if f.cid != nil {
		if w, ok := f.cid[code]; ok {
			return w
		}
	} else if i := code - f.first; i >= 0 && i < len(f.widths) {
		return f.widths[i]
	}
	return f.dw
}

// decode returns the text of raw, as valid UTF-8.
func (f *fontInfo) decode(raw string) string {
	var s string
	if f.enc != nil {
		s = f.enc.Decode(raw)
	} else {
		s = raw
	}
	if utf8.ValidString(s) {
		return s
	}
	// Undecoded bytes: read them as Latin-1.
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

func loadFont(v pdf.Value) *fontInfo {
	if v.IsNull() {
		return defaultFont
	}
	pf := pdf.Font{V: v}
	f := &fontInfo{enc: pf.Encoder(), dw: estimatedWidth, scale: 1}
	switch v.Key("Subtype").Name() {
	case "Type0":
		f.twoByte = true
		f.dw = 1000
		desc := v.Key("DescendantFonts").Index(0)
		if dw := desc.Key("DW"); !dw.IsNull() {
			f.dw = dw.Float64()
		}
		f.cid = cidWidths(desc.Key("W"))
	case "Type3":
		if m := v.Key("FontMatrix"); m.Len() == 6 {
			f.scale = m.Index(0).Float64() * 1000
		}
		fallthrough
	default:
		f.first = int(v.Key("FirstChar").Int64())
		ws := v.Key("Widths")
		if n := ws.Len(); n > 0 && n <= 65536 {
			f.widths = make([]float64, n)
			for i := range f.widths {
				f.widths[i] = ws.Index(i).Float64()
			}
			if mw := v.Key("FontDescriptor").Key("MissingWidth"); !mw.IsNull() && mw.Float64() > 0 {
				f.dw = mw.Float64()
			}
		}
	}
	return f
}

// cidWidths reads a CIDFont W array: "c [w1 w2 ...]" or "cfirst clast w".
func cidWidths(w pdf.Value) map[int]float64 {
	m := map[int]float64{}
	for i := 0; i < w.Len() && len(m) < 1<<16; {
		c := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && len(m) < 1<<16; j++ {
				m[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		last := int(next.Int64())
		width := w.Index(i + 2).Float64()
		for c2 := c; c2 <= last && c2-c < 1<<16; c2++ {
			m[c2] = width
		}
		i += 3
	}
	return m
}

// pageWriter rebuilds lines from positioned strings.
type pageWriter struct {
	out                             []byte
	have                            bool
	lastX, lastY, lastEnd, lastSize float64
	budget                          int
}

// add writes s, which starts at (x, y) and ends at xEnd, in a font of the
// given size (device units): a line break when the baseline moved, a blank
// line for a large vertical gap, a tab for a column gap and a space for a
// word gap.
func (w *pageWriter) add(s string, x, y, xEnd, size float64) {
	s = cleanPDFText(s)
	if s == "" {
		return
	}
	size = max(size, 1)
	if w.have {
		ref := max(size, w.lastSize)
		dy := y - w.lastY
		switch {
		case math.Abs(dy) > 0.5*ref:
			if -dy > 2*ref {
				w.out = append(w.out, '\n', '\n')
			} else {
				w.out = append(w.out, '\n')
			}
		default:
			gap := x - w.lastEnd
			last := w.out[len(w.out)-1]
			switch {
			case last == ' ' || last == '\t' || s[0] == ' ':
			case gap > 2.5*ref:
				w.out = append(w.out, '\t')
			case gap > 0.15*ref || x < w.lastX-0.5*ref:
				w.out = append(w.out, ' ')
			}
		}
	}
	w.out = append(w.out, s...)
	if len(w.out) > w.budget {
		panic(errTextBudget)
	}
	w.have = true
	w.lastX, w.lastY, w.lastEnd, w.lastSize = x, y, xEnd, size
}

// ligatures maps presentation forms to letters.
var ligatures = strings.NewReplacer("ﬀ", "ff", "ﬁ", "fi", "ﬂ", "fl", "ﬃ", "ffi", "ﬄ", "ffl", "ﬅ", "st", "ﬆ", "st")

// cleanPDFText drops control characters and replacement characters and
// spells out ligatures.
func cleanPDFText(s string) string {
	clean := true
	for _, r := range s {
		if r < ' ' || r == 0x7f || r == utf8.RuneError || r >= 0xfb00 && r <= 0xfb06 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	return ligatures.Replace(s)
}

// hasWordChar reports whether b contains a letter or digit.
func hasWordChar(b []byte) bool {
	return bytes.IndexFunc(b, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}
