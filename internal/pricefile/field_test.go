package pricefile

import "testing"

func TestFields(t *testing.T) {
	fs := Fields()
	if len(fs) != 20 || fs[0].Field != PartNumber || fs[len(fs)-1].Field != Ignore {
		t.Fatalf("fields %+v", fs)
	}
	seen := map[Field]bool{}
	for _, f := range fs {
		if seen[f.Field] || f.Label == "" {
			t.Errorf("field %+v", f)
		}
		seen[f.Field] = true
		if got := f.Field.Label(); got != f.Label {
			t.Errorf("Label(%s) = %q", f.Field, got)
		}
	}
	multiple := map[Field]bool{Description: true, OtherPrice: true, Ignore: true}
	for _, f := range fs {
		if f.Multiple != multiple[f.Field] {
			t.Errorf("%s multiple = %v", f.Field, f.Multiple)
		}
	}
	fs[0].Label = "changed"
	if Fields()[0].Label != "Part number" {
		t.Error("Fields shares its slice")
	}
	if Field("x").Label() != "x" {
		t.Error("unknown label")
	}
}
