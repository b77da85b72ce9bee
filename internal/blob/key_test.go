package blob

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

const (
	tenantID = "abcdefghij12345"
	docID    = "0123456789abcde"
)

func TestSanitizeFileName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 300)
	longUmlaut := strings.Repeat("ö", 150) // 300 bytes
	tests := []struct {
		name, in, want string
	}{
		{"plain", "catalog.pdf", "catalog.pdf"},
		{"unicode kept", "Preisliste Ölfilter.pdf", "Preisliste Ölfilter.pdf"},
		{"cjk kept", "部品カタログ 2024.pdf", "部品カタログ 2024.pdf"},
		{"unix traversal", "../../etc/passwd", "passwd"},
		{"windows traversal", `..\..\win.ini`, "win.ini"},
		{"mixed separators", `C:\Users\x/docs\report.xlsx`, "report.xlsx"},
		{"trailing separator", "dir/", "file"},
		{"dot", ".", "file"},
		{"dotdot", "..", "file"},
		{"only dots", ".....", "file"},
		{"dotdot after dir", "a/..", "file"},
		{"empty", "", "file"},
		{"only spaces", " \t\n ", "file"},
		{"hidden file", ".htaccess", "htaccess"},
		{"trailing dots and spaces", "report . . ", "report"},
		{"control chars", "a\x00b\x07c\x1bd\x7f.pdf", "abcd.pdf"},
		{"newlines become space", "price\r\nlist.pdf", "price list.pdf"},
		{"whitespace collapsed", "  a \t\t b   c.pdf  ", "a b c.pdf"},
		{"unicode spaces", "a\u00a0\u2003b\u3000c", "a b c"},
		{"bidi override dropped", "invoice\u202efdp.exe", "invoicefdp.exe"},
		{"zero width dropped", "a\u200bb\ufeff.pdf", "ab.pdf"},
		{"invalid utf8 dropped", "a\xff\xfeb.pdf", "ab.pdf"},
		{"url unsafe", `a?b#c%d&e=f+g.pdf`, "a_b_c_d&e=f_g.pdf"},
		{"windows unsafe", `a<b>c:d"e|f*g.pdf`, "a_b_c_d_e_f_g.pdf"},
		{"brackets", "a[1]{2}^~`.pdf", "a_1__2____.pdf"},
		{"300 chars", long, strings.Repeat("a", 120)},
		{"300 chars with ext", long + ".pdf", strings.Repeat("a", 116) + ".pdf"},
		{"multibyte not cut", longUmlaut + ".pdf", strings.Repeat("ö", 58) + ".pdf"},
		{"long ext not kept", "a." + long, "a." + strings.Repeat("a", 118)},
		{"only last ext kept", strings.Repeat("a", 115) + " . x.tar.gz" + strings.Repeat("b", 10), strings.Repeat("a", 107) + ".gz" + strings.Repeat("b", 10)},
		{"truncated stem trimmed", strings.Repeat("a", 110) + " .........." + strings.Repeat(" ", 50) + "z.pdf", strings.Repeat("a", 110) + ".pdf"},
		{"truncated stem of dots", "a" + strings.Repeat(".", 200) + "b.pdf", "a.pdf"},
		{"truncated stem empty", strings.Repeat(".", 200) + "b.pdf", "b.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SanitizeFileName(tt.in)
			if got != tt.want {
				t.Errorf("SanitizeFileName(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			checkSanitized(t, tt.in, got)
		})
	}
}

// checkSanitized asserts the invariants of SanitizeFileName's output.
func checkSanitized(t *testing.T, in, got string) {
	t.Helper()
	switch {
	case got == "", got == ".", got == "..":
		t.Fatalf("SanitizeFileName(%q) = %q", in, got)
	case len(got) > MaxFileNameBytes:
		t.Fatalf("SanitizeFileName(%q) = %q: %d bytes", in, got, len(got))
	case !utf8.ValidString(got):
		t.Fatalf("SanitizeFileName(%q) = %q: invalid UTF-8", in, got)
	case strings.ContainsAny(got, `/\`):
		t.Fatalf("SanitizeFileName(%q) = %q: contains a separator", in, got)
	case strings.ContainsAny(got, unsafeNameChars):
		t.Fatalf("SanitizeFileName(%q) = %q: contains an unsafe character", in, got)
	case strings.HasPrefix(got, ".") || strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.HasSuffix(got, "."):
		t.Fatalf("SanitizeFileName(%q) = %q: not trimmed", in, got)
	case strings.Contains(got, "  "):
		t.Fatalf("SanitizeFileName(%q) = %q: whitespace not collapsed", in, got)
	}
	for _, r := range got {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || (unicode.IsSpace(r) && r != ' ') {
			t.Fatalf("SanitizeFileName(%q) = %q: contains %U", in, got, r)
		}
	}
	if again := SanitizeFileName(got); again != got {
		t.Fatalf("SanitizeFileName not idempotent: %q -> %q -> %q", in, got, again)
	}
	if CheckKey("x/"+got) != nil {
		t.Fatalf("SanitizeFileName(%q) = %q: not a valid key segment", in, got)
	}
}

func FuzzSanitizeFileName(f *testing.F) {
	for _, s := range []string{
		"catalog.pdf", "Preisliste Ölfilter.pdf", "../../etc/passwd", `..\..\win.ini`,
		"", ".", "..", "...", " . ", "a\x00b", "\u202e", "\xff", strings.Repeat("ö", 100) + ".pdf",
		strings.Repeat("x", 130) + "." + strings.Repeat("y", 10),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := SanitizeFileName(in)
		checkSanitized(t, in, got)
		// The extension survives when the name is merely too long.
		if utf8.ValidString(in) && !strings.ContainsAny(in, "/\\"+unsafeNameChars) {
			if i := strings.LastIndexByte(in, '.'); i > 0 && len(in)-i >= 2 && len(in)-i <= 5 && isPlainASCII(in[i:]) &&
				strings.IndexFunc(in[:i], func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) >= 0 {
				if !strings.HasSuffix(got, in[i:]) {
					t.Fatalf("SanitizeFileName(%q) = %q lost extension %q", in, got, in[i:])
				}
			}
		}
	})
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

func TestDocumentKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		tenant, doc, file string
		want              string
		wantErr           bool
	}{
		{"ok", tenantID, docID, "Preisliste Ölfilter.pdf", "tenants/abcdefghij12345/documents/0123456789abcde/Preisliste Ölfilter.pdf", false},
		{"traversal name", tenantID, docID, "../../../etc/passwd", "tenants/abcdefghij12345/documents/0123456789abcde/passwd", false},
		{"empty name", tenantID, docID, "", "tenants/abcdefghij12345/documents/0123456789abcde/file", false},
		{"empty tenant", "", docID, "a.pdf", "", true},
		{"short tenant", "abc", docID, "a.pdf", "", true},
		{"upper case tenant", "ABCDEFGHIJ12345", docID, "a.pdf", "", true},
		{"traversal tenant", "../../../../etc", docID, "a.pdf", "", true},
		{"slash in doc", tenantID, "0123456/89abcde", "a.pdf", "", true},
		{"long doc", tenantID, docID + "0", "a.pdf", "", true},
		{"unicode doc", tenantID, "0123456789abcdé", "a.pdf", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DocumentKey(tt.tenant, tt.doc, tt.file)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidKey) {
					t.Fatalf("DocumentKey() = %q, %v; want ErrInvalidKey", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("DocumentKey() = %q, %v; want %q", got, err, tt.want)
			}
			if err := CheckKey(got); err != nil {
				t.Fatalf("CheckKey(%q) = %v", got, err)
			}
		})
	}
}

func TestPrefixes(t *testing.T) {
	t.Parallel()
	if p, err := TenantPrefix(tenantID); err != nil || p != "tenants/abcdefghij12345/" {
		t.Errorf("TenantPrefix = %q, %v", p, err)
	}
	if p, err := DocumentPrefix(tenantID, docID); err != nil || p != "tenants/abcdefghij12345/documents/0123456789abcde/" {
		t.Errorf("DocumentPrefix = %q, %v", p, err)
	}
	if _, err := TenantPrefix("x"); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("TenantPrefix(x) error = %v", err)
	}
	if _, err := DocumentPrefix(tenantID, ""); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("DocumentPrefix(empty doc) error = %v", err)
	}
	k, _ := DocumentKey(tenantID, docID, "a.pdf")
	tp, _ := TenantPrefix(tenantID)
	dp, _ := DocumentPrefix(tenantID, docID)
	if !strings.HasPrefix(k, dp) || !strings.HasPrefix(dp, tp) {
		t.Errorf("prefixes do not nest: %q %q %q", tp, dp, k)
	}
}

func TestCheckKey(t *testing.T) {
	t.Parallel()
	valid := []string{"a", "a/b", "tenants/x/documents/y/Ölfilter preis.pdf", "a/b.c", "a/b..c"}
	invalid := []string{
		"", "/", "/abs", "a/", "a//b", "../x", "a/../b", "a/./b", "./a", "..", ".",
		`a\b`, "a/.hidden", "a/.upload-x.tmp", "a\x00b", "a\nb", "a\x7fb", "\xff",
		strings.Repeat("a", 1025),
	}
	for _, k := range valid {
		if err := CheckKey(k); err != nil {
			t.Errorf("CheckKey(%q) = %v", k, err)
		}
	}
	for _, k := range invalid {
		if err := CheckKey(k); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("CheckKey(%q) = %v, want ErrInvalidKey", k, err)
		}
	}

	for _, p := range []string{"a/", "a", "tenants/x/", "a/b"} {
		if err := CheckPrefix(p); err != nil {
			t.Errorf("CheckPrefix(%q) = %v", p, err)
		}
	}
	for _, p := range []string{"", "/", "a//", "../", "a/../", "/a/"} {
		if err := CheckPrefix(p); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("CheckPrefix(%q) = %v, want ErrInvalidKey", p, err)
		}
	}
}
