package n8n

import (
	"strings"
	"testing"
)

func BenchmarkReadStream(b *testing.B) {
	body := begin(0) + strings.Repeat(item(0, "token "), 10000) + end(0)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := ReadStream(strings.NewReader(body), 0, func(Event) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
