package n8n

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"

	"counterpart/internal/textcut"
)

// JSONReply is n8n's non-streaming reply: {"output": "...", "sources": [...],
// "usage": {...}}, as the chat workflow's Respond to Webhook node sends it.
type JSONReply struct {
	// Output is the answer text; "" is a valid, empty answer.
	Output string
	// Sources are the passages the answer cites; nil when none. They come
	// from n8n: check them against the tenant's documents before use.
	Sources []Source
	// Usage is the model and token counts; nil when the reply has none.
	Usage *Usage
}

// Source is one cited passage.
type Source struct {
	// Document is the id of a document record.
	Document string
	// Page is the 1-based page, 0 when unknown.
	Page int
	// Row is the row of a table document (CSV, price list), 0 when unknown.
	Row int
	// Snippet is the quoted text.
	Snippet string
}

// Usage is the model that answered and its token counts.
type Usage struct {
	Model     string
	TokensIn  int
	TokensOut int
}

type wireReply struct {
	Output  *json.RawMessage `json:"output"`
	Sources []struct {
		Document flexString `json:"document"`
		Page     flexInt    `json:"page"`
		Row      flexInt    `json:"row"`
		Snippet  string     `json:"snippet"`
	} `json:"sources"`
	Usage *struct {
		Model     string  `json:"model"`
		TokensIn  flexInt `json:"tokens_in"`
		TokensOut flexInt `json:"tokens_out"`
	} `json:"usage"`
}

// ParseJSONReply parses a non-streaming reply: an object with a string
// "output", or n8n's default array form [{"output": "..."}] (the first item
// is used). Numbers may come as strings ("3"), as n8n expressions often make
// them. Errors wrap ErrBadReply and quote at most 80 bytes of the body.
func ParseJSONReply(body []byte) (JSONReply, error) {
	bad := func(why string) error {
		return fmt.Errorf("%w: %s: %q", ErrBadReply, why, textcut.Clip(string(bytes.TrimSpace(body)), 80))
	}
	b := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(b) == 0 {
		return JSONReply{}, bad("empty body")
	}
	if b[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(b, &items); err != nil {
			return JSONReply{}, bad("not valid JSON")
		}
		if len(items) == 0 {
			return JSONReply{}, bad("an empty array")
		}
		b = bytes.TrimSpace(items[0])
	}
	if len(b) == 0 || b[0] != '{' {
		return JSONReply{}, bad("not a JSON object")
	}
	var w wireReply
	if err := json.Unmarshal(b, &w); err != nil {
		return JSONReply{}, bad("not the expected JSON (" + jsonErrorKind(err) + ")")
	}
	if w.Output == nil {
		return JSONReply{}, bad(`no "output" field (does the workflow answer through Respond to Webhook or streaming?)`)
	}
	var rep JSONReply
	if err := json.Unmarshal(*w.Output, &rep.Output); err != nil {
		return JSONReply{}, bad(`"output" is not a string`)
	}
	for _, s := range w.Sources {
		rep.Sources = append(rep.Sources, Source{Document: string(s.Document), Page: int(s.Page), Row: int(s.Row), Snippet: s.Snippet})
	}
	if w.Usage != nil {
		rep.Usage = &Usage{Model: w.Usage.Model, TokensIn: int(w.Usage.TokensIn), TokensOut: int(w.Usage.TokensOut)}
	}
	return rep, nil
}

// jsonErrorKind describes err without quoting the input.
func jsonErrorKind(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return fmt.Sprintf("field %q has the wrong type", te.Field)
	}
	return "invalid JSON"
}

// flexInt accepts a JSON number, a numeric string or null.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseFloat(string(b), 64)
	if err != nil || n != float64(int(n)) {
		return &json.UnmarshalTypeError{Value: "non-integer " + textcut.Clip(string(b), 20), Type: reflect.TypeFor[int]()}
	}
	*f = flexInt(n)
	return nil
}

// flexString accepts a JSON string, a number or null.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n)
	return nil
}
