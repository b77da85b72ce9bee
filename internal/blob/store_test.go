package blob_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"counterpart/internal/blob"
)

func TestContentDisposition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		disp blob.Disposition
		name string
		want string
	}{
		{"", "catalog.pdf", `attachment; filename="catalog.pdf"`},
		{blob.Attachment, "price list 2024.xlsx", `attachment; filename="price list 2024.xlsx"`},
		{blob.Inline, "catalog.pdf", `inline; filename="catalog.pdf"`},
		{blob.Attachment, "Preisliste Ölfilter.pdf", `attachment; filename="Preisliste _lfilter.pdf"; filename*=UTF-8''Preisliste%20%C3%96lfilter.pdf`},
		{blob.Attachment, "部品.pdf", `attachment; filename="__.pdf"; filename*=UTF-8''%E9%83%A8%E5%93%81.pdf`},
		{blob.Attachment, `a"b\c.pdf`, `attachment; filename="a_b_c.pdf"; filename*=UTF-8''a%22b%5Cc.pdf`},
		{blob.Attachment, "100%.pdf", `attachment; filename="100_.pdf"; filename*=UTF-8''100%25.pdf`},
		{blob.Attachment, "a\r\nb.pdf", `attachment; filename="ab.pdf"; filename*=UTF-8''ab.pdf`},
		{blob.Attachment, "x;y=z.pdf", `attachment; filename="x;y=z.pdf"`},
		{blob.Attachment, "", `attachment; filename="file"`},
		{blob.Attachment, "\xff.pdf", `attachment; filename="_.pdf"`},
	}
	for _, tt := range tests {
		if got := blob.ContentDisposition(tt.disp, tt.name); got != tt.want {
			t.Errorf("ContentDisposition(%q, %q)\n got %s\nwant %s", tt.disp, tt.name, got, tt.want)
		}
	}
}

func TestInlineContentType(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"a.pdf": "application/pdf", "A.PDF": "application/pdf", "x.png": "image/png",
		"x.jpeg": "image/jpeg", "x.txt": "text/plain; charset=utf-8",
		"x.html": "", "x.svg": "", "x.htm": "", "x": "", "x.xhtml": "", "x.js": "",
	} {
		got, ok := blob.InlineContentType(name)
		if got != want || ok != (want != "") {
			t.Errorf("InlineContentType(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

// testStoreContract runs the behaviour every Store must have. Its subtests
// are parallel and each works under its own random prefix.
func testStoreContract(t *testing.T, store blob.Store) {
	ctx := context.Background()
	newPrefix := func() string { return "contract/" + rand.Text() + "/" }
	body := []byte("%PDF-1.7 parts catalog body " + strings.Repeat("x", 4096))
	const downloadName = "Preisliste Ölfilter.pdf"

	if err := store.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}

	t.Run("presigned put then get", func(t *testing.T) {
		t.Parallel()
		key := newPrefix() + "Preisliste Ölfilter.pdf"
		u, err := store.PresignPut(ctx, key, time.Minute, "")
		if err != nil {
			t.Fatal(err)
		}
		if code, msg := do(t, http.MethodPut, u, body, nil); code != http.StatusOK {
			t.Fatalf("PUT = %d %s", code, msg)
		}

		oi, err := store.Stat(ctx, key)
		if err != nil {
			t.Fatalf("Stat: %v", err)
		}
		if oi.Size != int64(len(body)) || oi.Key != key || time.Since(oi.ModTime) > time.Hour {
			t.Errorf("Stat = %+v", oi)
		}

		for _, n := range []int{0, 1, 8, len(body), len(body) + 100} {
			head, err := store.ReadHead(ctx, key, n)
			if err != nil {
				t.Fatalf("ReadHead(%d): %v", n, err)
			}
			if want := body[:min(n, len(body))]; !bytes.Equal(head, want) {
				t.Errorf("ReadHead(%d) = %d bytes %.20q, want %d bytes", n, len(head), head, len(want))
			}
		}

		rc, err := store.Open(ctx, key)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("Open read %d bytes, %v", len(got), err)
		}

		u, err = store.PresignGet(ctx, key, time.Minute, downloadName, blob.Attachment)
		if err != nil {
			t.Fatal(err)
		}
		resp := get(t, u, nil)
		if resp.code != http.StatusOK || !bytes.Equal(resp.body, body) {
			t.Fatalf("GET = %d, %d bytes", resp.code, len(resp.body))
		}
		if cd, want := resp.header.Get("Content-Disposition"), blob.ContentDisposition(blob.Attachment, downloadName); cd != want {
			t.Errorf("Content-Disposition = %q, want %q", cd, want)
		}

		resp = get(t, u, http.Header{"Range": {"bytes=2-5"}})
		if resp.code != http.StatusPartialContent || string(resp.body) != string(body[2:6]) {
			t.Errorf("ranged GET = %d %q", resp.code, resp.body)
		}
	})

	t.Run("inline download", func(t *testing.T) {
		t.Parallel()
		key := newPrefix() + "catalog.pdf"
		if err := store.Put(ctx, key, bytes.NewReader(body), int64(len(body)), "application/octet-stream"); err != nil {
			t.Fatal(err)
		}
		u, err := store.PresignGet(ctx, key, time.Minute, "Katalog.pdf", blob.Inline)
		if err != nil {
			t.Fatal(err)
		}
		resp := get(t, u, nil)
		if resp.code != http.StatusOK {
			t.Fatalf("GET = %d", resp.code)
		}
		if cd := resp.header.Get("Content-Disposition"); cd != `inline; filename="Katalog.pdf"` {
			t.Errorf("Content-Disposition = %q", cd)
		}
		if ct := resp.header.Get("Content-Type"); ct != "application/pdf" {
			t.Errorf("Content-Type = %q", ct)
		}

		// HTML must never be rendered inline.
		u, err = store.PresignGet(ctx, key, time.Minute, "evil.html", blob.Inline)
		if err != nil {
			t.Fatal(err)
		}
		resp = get(t, u, nil)
		if cd := resp.header.Get("Content-Disposition"); cd != `attachment; filename="evil.html"` {
			t.Errorf("Content-Disposition = %q", cd)
		}

		if _, err := store.PresignGet(ctx, key, time.Minute, "x.pdf", "bogus"); err == nil {
			t.Error("PresignGet accepted an unknown disposition")
		}
	})

	t.Run("content type bound", func(t *testing.T) {
		t.Parallel()
		key := newPrefix() + "list.csv"
		u, err := store.PresignPut(ctx, key, time.Minute, "text/csv")
		if err != nil {
			t.Fatal(err)
		}
		if code, _ := do(t, http.MethodPut, u, body, http.Header{"Content-Type": {"text/html"}}); code != http.StatusForbidden {
			t.Errorf("PUT with another content type = %d, want 403", code)
		}
		if code, _ := do(t, http.MethodPut, u, body, nil); code != http.StatusForbidden {
			t.Errorf("PUT without content type = %d, want 403", code)
		}
		if _, err := store.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat after refused PUT = %v", err)
		}
		if code, msg := do(t, http.MethodPut, u, body, http.Header{"Content-Type": {"text/csv"}}); code != http.StatusOK {
			t.Errorf("PUT with the signed content type = %d %s", code, msg)
		}
	})

	t.Run("tampered URLs", func(t *testing.T) {
		t.Parallel()
		prefix := newPrefix()
		key := prefix + "a.pdf"
		u, err := store.PresignPut(ctx, key, time.Minute, "")
		if err != nil {
			t.Fatal(err)
		}
		for name, bad := range map[string]string{
			"signature": tamperSignature(t, u),
			"key":       strings.Replace(u, "/a.pdf?", "/b.pdf?", 1),
			"expiry":    tamperExpiry(t, u),
		} {
			if code, _ := do(t, http.MethodPut, bad, body, nil); code != http.StatusForbidden {
				t.Errorf("PUT with tampered %s = %d, want 403", name, code)
			}
		}
		if err := store.List(ctx, prefix, func(oi blob.ObjectInfo) error {
			return fmt.Errorf("object %s stored by a tampered URL", oi.Key)
		}); err != nil {
			t.Error(err)
		}

		if err := store.Put(ctx, key, bytes.NewReader(body), int64(len(body)), ""); err != nil {
			t.Fatal(err)
		}
		u, err = store.PresignGet(ctx, key, time.Minute, "a.pdf", blob.Attachment)
		if err != nil {
			t.Fatal(err)
		}
		for name, bad := range map[string]string{
			"signature":   tamperSignature(t, u),
			"disposition": strings.Replace(u, "attachment", "inline", 1),
		} {
			if bad == u {
				t.Fatalf("tampering %s changed nothing", name)
			}
			if r := get(t, bad, nil); r.code != http.StatusForbidden {
				t.Errorf("GET with tampered %s = %d, want 403", name, r.code)
			}
		}
	})

	t.Run("expired URLs", func(t *testing.T) {
		t.Parallel()
		key := newPrefix() + "a.pdf"
		if err := store.Put(ctx, key, bytes.NewReader(body), int64(len(body)), ""); err != nil {
			t.Fatal(err)
		}
		put, err := store.PresignPut(ctx, key, time.Second, "")
		if err != nil {
			t.Fatal(err)
		}
		get1, err := store.PresignGet(ctx, key, time.Second, "a.pdf", "")
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2100 * time.Millisecond)
		if code, _ := do(t, http.MethodPut, put, []byte("new"), nil); code != http.StatusForbidden {
			t.Errorf("expired PUT = %d, want 403", code)
		}
		if r := get(t, get1, nil); r.code != http.StatusForbidden {
			t.Errorf("expired GET = %d, want 403", r.code)
		}
		if oi, err := store.Stat(ctx, key); err != nil || oi.Size != int64(len(body)) {
			t.Errorf("object changed by an expired URL: %+v %v", oi, err)
		}
	})

	t.Run("ttl limits", func(t *testing.T) {
		t.Parallel()
		for _, ttl := range []time.Duration{0, -time.Second, 8 * 24 * time.Hour} {
			if _, err := store.PresignPut(ctx, "a/b", ttl, ""); err == nil {
				t.Errorf("PresignPut accepted ttl %s", ttl)
			}
			if _, err := store.PresignGet(ctx, "a/b", ttl, "b", ""); err == nil {
				t.Errorf("PresignGet accepted ttl %s", ttl)
			}
		}
	})

	t.Run("wrong method", func(t *testing.T) {
		t.Parallel()
		key := newPrefix() + "a.pdf"
		if err := store.Put(ctx, key, bytes.NewReader(body), int64(len(body)), ""); err != nil {
			t.Fatal(err)
		}
		getURL, err := store.PresignGet(ctx, key, time.Minute, "a.pdf", "")
		if err != nil {
			t.Fatal(err)
		}
		if code, _ := do(t, http.MethodPut, getURL, []byte("overwrite"), nil); code != http.StatusForbidden && code != http.StatusMethodNotAllowed {
			t.Errorf("PUT on a GET URL = %d, want 403 or 405", code)
		}
		if code, _ := do(t, http.MethodDelete, getURL, nil, nil); code != http.StatusForbidden && code != http.StatusMethodNotAllowed {
			t.Errorf("DELETE on a GET URL = %d, want 403 or 405", code)
		}
		putURL, err := store.PresignPut(ctx, key, time.Minute, "")
		if err != nil {
			t.Fatal(err)
		}
		if r := get(t, putURL, nil); r.code != http.StatusForbidden && r.code != http.StatusMethodNotAllowed {
			t.Errorf("GET on a PUT URL = %d, want 403 or 405", r.code)
		}
		if oi, err := store.Stat(ctx, key); err != nil || oi.Size != int64(len(body)) {
			t.Errorf("object changed through a GET URL: %+v %v", oi, err)
		}
	})

	t.Run("missing objects", func(t *testing.T) {
		t.Parallel()
		key := newPrefix() + "missing.pdf"
		if _, err := store.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat = %v, want ErrNotFound", err)
		}
		if _, err := store.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open = %v, want ErrNotFound", err)
		}
		if _, err := store.ReadHead(ctx, key, 16); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("ReadHead = %v, want ErrNotFound", err)
		}
		if _, err := store.ReadHead(ctx, key, 0); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("ReadHead(0) = %v, want ErrNotFound", err)
		}
		u, err := store.PresignGet(ctx, key, time.Minute, "x.pdf", "")
		if err != nil {
			t.Fatal(err)
		}
		if r := get(t, u, nil); r.code != http.StatusNotFound {
			t.Errorf("GET = %d, want 404", r.code)
		}
	})

	t.Run("put overwrite and empty", func(t *testing.T) {
		t.Parallel()
		prefix := newPrefix()
		key := prefix + "report.txt"
		if err := store.Put(ctx, key, strings.NewReader("first version"), -1, "text/plain"); err != nil {
			t.Fatal(err)
		}
		if err := store.Put(ctx, key, strings.NewReader("second"), 6, "text/plain"); err != nil {
			t.Fatal(err)
		}
		if head, err := store.ReadHead(ctx, key, 100); err != nil || string(head) != "second" {
			t.Errorf("ReadHead after overwrite = %q, %v", head, err)
		}
		if err := store.Put(ctx, key, io.MultiReader(strings.NewReader("short")), 10, ""); err == nil {
			t.Error("Put with a short body succeeded")
		}
		if head, err := store.ReadHead(ctx, key, 100); err != nil || string(head) != "second" {
			t.Errorf("ReadHead after failed Put = %q, %v", head, err)
		}

		empty := prefix + "empty.txt"
		if err := store.Put(ctx, empty, bytes.NewReader(nil), 0, ""); err != nil {
			t.Fatal(err)
		}
		if oi, err := store.Stat(ctx, empty); err != nil || oi.Size != 0 {
			t.Errorf("Stat(empty) = %+v, %v", oi, err)
		}
		if head, err := store.ReadHead(ctx, empty, 10); err != nil || len(head) != 0 {
			t.Errorf("ReadHead(empty) = %q, %v", head, err)
		}
	})

	t.Run("delete is idempotent", func(t *testing.T) {
		t.Parallel()
		key := newPrefix() + "a.pdf"
		if err := store.Put(ctx, key, bytes.NewReader(body), int64(len(body)), ""); err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			if err := store.Delete(ctx, key); err != nil {
				t.Fatalf("Delete #%d: %v", i+1, err)
			}
		}
		if _, err := store.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat after Delete = %v", err)
		}
	})

	t.Run("delete prefix and list", func(t *testing.T) {
		t.Parallel()
		base := newPrefix()
		keys := []string{
			base + "t1/documents/d1/a.pdf",
			base + "t1/documents/d2/b.pdf",
			base + "t1/report.txt",
			base + "t10/documents/d1/a.pdf", // shares the string prefix "t1"
			base + "t1.txt",
			base + "t2/c.pdf",
		}
		for i, k := range keys {
			data := bytes.Repeat([]byte{'x'}, i+1)
			if err := store.Put(ctx, k, bytes.NewReader(data), int64(len(data)), ""); err != nil {
				t.Fatal(err)
			}
		}

		all := listKeys(t, store, base)
		if want := slices.Sorted(slices.Values(keys)); !slices.Equal(all, want) {
			t.Errorf("List(base) = %q\nwant %q", all, want)
		}
		if got := listKeys(t, store, base+"t1/"); !slices.Equal(got, []string{keys[0], keys[1], keys[2]}) {
			t.Errorf("List(t1/) = %q", got)
		}
		if got := listKeys(t, store, base+"t1"); !slices.Equal(got, slices.Sorted(slices.Values(keys[:5]))) {
			t.Errorf("List(t1) = %q", got)
		}
		if got := listKeys(t, store, base+"nothing/"); len(got) != 0 {
			t.Errorf("List(nothing/) = %q", got)
		}
		var sizes []int64
		store.List(ctx, base+"t1/documents/", func(oi blob.ObjectInfo) error {
			sizes = append(sizes, oi.Size)
			return nil
		})
		if !slices.Equal(sizes, []int64{1, 2}) {
			t.Errorf("List sizes = %v", sizes)
		}

		stop := errors.New("stop")
		n := 0
		err := store.List(ctx, base, func(blob.ObjectInfo) error { n++; return stop })
		if err != stop || n != 1 {
			t.Errorf("List with failing fn = %v after %d calls", err, n)
		}

		if err := store.DeletePrefix(ctx, base+"t1/documents/d1/"); err != nil {
			t.Fatal(err)
		}
		if err := store.DeletePrefix(ctx, base+"t1/"); err != nil {
			t.Fatal(err)
		}
		if err := store.DeletePrefix(ctx, base+"t1/"); err != nil {
			t.Fatalf("DeletePrefix again: %v", err)
		}
		if got := listKeys(t, store, base); !slices.Equal(got, []string{keys[4], keys[3], keys[5]}) {
			t.Errorf("after DeletePrefix(t1/) List = %q", got)
		}
		// A prefix without "/" is a plain string prefix, as in S3.
		if err := store.DeletePrefix(ctx, base+"t1"); err != nil {
			t.Fatal(err)
		}
		if got := listKeys(t, store, base); !slices.Equal(got, []string{keys[5]}) {
			t.Errorf("after DeletePrefix(t1) List = %q", got)
		}
		if err := store.DeletePrefix(ctx, ""); err == nil {
			t.Error("DeletePrefix(\"\") succeeded")
		}
	})

	t.Run("invalid keys", func(t *testing.T) {
		t.Parallel()
		for _, key := range []string{"", "../x", "a/../../b", "/abs", "a//b", `a\b`, "a/.hidden", "a/"} {
			errs := map[string]error{}
			_, errs["PresignPut"] = store.PresignPut(ctx, key, time.Minute, "")
			_, errs["PresignGet"] = store.PresignGet(ctx, key, time.Minute, "x", "")
			_, errs["Stat"] = store.Stat(ctx, key)
			_, errs["Open"] = store.Open(ctx, key)
			_, errs["ReadHead"] = store.ReadHead(ctx, key, 1)
			errs["Put"] = store.Put(ctx, key, strings.NewReader("x"), 1, "")
			errs["Delete"] = store.Delete(ctx, key)
			for op, err := range errs {
				if !errors.Is(err, blob.ErrInvalidKey) {
					t.Errorf("%s(%q) = %v, want ErrInvalidKey", op, key, err)
				}
			}
		}
		for _, prefix := range []string{"", "/", "../", "a/../"} {
			if err := store.DeletePrefix(ctx, prefix); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("DeletePrefix(%q) = %v", prefix, err)
			}
			if err := store.List(ctx, prefix, func(blob.ObjectInfo) error { return nil }); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("List(%q) = %v", prefix, err)
			}
		}
	})
}

func listKeys(t *testing.T, store blob.Store, prefix string) []string {
	t.Helper()
	var keys []string
	if err := store.List(context.Background(), prefix, func(oi blob.ObjectInfo) error {
		keys = append(keys, oi.Key)
		return nil
	}); err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	slices.Sort(keys)
	return keys
}

// do sends a request and returns the status code and (short) body.
func do(t *testing.T, method, u string, body []byte, hdr http.Header) (int, string) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return resp.StatusCode, string(msg)
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func get(t *testing.T, u string, hdr http.Header) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", u, err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

// tamperSignature flips one character of the URL's signature.
func tamperSignature(t *testing.T, u string) string {
	t.Helper()
	return tamperParam(t, u, []string{"sig", "X-Amz-Signature"}, func(v string) string {
		last := v[len(v)-1]
		repl := "0"
		if last == '0' {
			repl = "1"
		}
		return v[:len(v)-1] + repl
	})
}

// tamperExpiry extends the URL's validity.
func tamperExpiry(t *testing.T, u string) string {
	t.Helper()
	return tamperParam(t, u, []string{"expires", "X-Amz-Expires"}, func(v string) string { return v + "0" })
}

// tamperParam rewrites the first of names found in the raw query.
func tamperParam(t *testing.T, u string, names []string, fn func(string) string) string {
	t.Helper()
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(pu.RawQuery, "&")
	for _, name := range names {
		for i, p := range parts {
			if v, ok := strings.CutPrefix(p, name+"="); ok {
				parts[i] = name + "=" + fn(v)
				pu.RawQuery = strings.Join(parts, "&")
				return pu.String()
			}
		}
	}
	t.Fatalf("none of %v in %s", names, u)
	return ""
}
