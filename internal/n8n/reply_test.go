package n8n

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseJSONReply(t *testing.T) {
	for _, c := range []struct {
		name   string
		body   string
		want   JSONReply
		errMsg string // "" = no error
	}{
		{"output only", `{"output":"Use 5W-30."}`, JSONReply{Output: "Use 5W-30."}, ""},
		{"full", `{"output":"See page 3.","sources":[{"document":"d1","page":3,"row":0,"snippet":"5W-30"},{"document":"d2","row":12}],"usage":{"model":"llama3","tokens_in":1,"tokens_out":2}}`,
			JSONReply{Output: "See page 3.", Sources: []Source{{Document: "d1", Page: 3, Snippet: "5W-30"}, {Document: "d2", Row: 12}}, Usage: &Usage{Model: "llama3", TokensIn: 1, TokensOut: 2}}, ""},
		{"array form", `[{"output":"hi"}]`, JSONReply{Output: "hi"}, ""},
		{"array form, first item wins", " \n[{\"output\":\"a\"},{\"output\":\"b\"}]\n", JSONReply{Output: "a"}, ""},
		{"numbers as strings", `{"output":"x","sources":[{"document":42,"page":"7","row":null}],"usage":{"tokens_in":"10","tokens_out":3.0}}`,
			JSONReply{Output: "x", Sources: []Source{{Document: "42", Page: 7}}, Usage: &Usage{TokensIn: 10, TokensOut: 3}}, ""},
		{"empty output", `{"output":""}`, JSONReply{}, ""},
		{"null sources", `{"output":"x","sources":null,"usage":null}`, JSONReply{Output: "x"}, ""},
		{"extra fields", `{"output":"x","sessionId":"s","intermediateSteps":[]}`, JSONReply{Output: "x"}, ""},
		{"BOM", "\xef\xbb\xbf{\"output\":\"x\"}", JSONReply{Output: "x"}, ""},
		{"workflow started", `{"message":"Workflow was started"}`, JSONReply{}, `no "output" field`},
		{"output not a string", `{"output":{"text":"x"}}`, JSONReply{}, `"output" is not a string`},
		{"page not an integer", `{"output":"x","sources":[{"page":"three"}]}`, JSONReply{}, `wrong type`},
		{"empty array", `[]`, JSONReply{}, "empty array"},
		{"array of strings", `["x"]`, JSONReply{}, "not a JSON object"},
		{"empty body", "  ", JSONReply{}, "empty body"},
		{"garbage", "<html>" + strings.Repeat("x", 500), JSONReply{}, "not a JSON object"},
		{"truncated", `{"output":"x`, JSONReply{}, "not the expected JSON"},
		{"streaming body", begin(0) + item(0, "x") + end(0), JSONReply{}, "not the expected JSON"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseJSONReply([]byte(c.body))
			if c.errMsg == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, c.want) {
					t.Fatalf("got %+v (usage %+v), want %+v", got, got.Usage, c.want)
				}
				return
			}
			if !errors.Is(err, ErrBadReply) || !strings.Contains(err.Error(), c.errMsg) {
				t.Fatalf("error %v, want ErrBadReply with %q", err, c.errMsg)
			}
			if len(err.Error()) > 250 {
				t.Errorf("error of %d bytes", len(err.Error()))
			}
		})
	}
}
