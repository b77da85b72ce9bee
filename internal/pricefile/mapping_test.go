package pricefile

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestMappingJSON(t *testing.T) {
	in := `{"columns":[{"index":0,"header":"Teilenummer","field":"part_number"}],"default_brand":"","currency":"EUR"}`
	var m Mapping
	if err := json.Unmarshal([]byte(in), &m); err != nil {
		t.Fatal(err)
	}
	want := Mapping{Columns: []Column{{Index: 0, Header: "Teilenummer", Field: PartNumber}}, Currency: "EUR"}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("got %+v", m)
	}
	out, err := json.Marshal(m)
	if err != nil || string(out) != in {
		t.Errorf("marshal %s, %v", out, err)
	}
}

func TestValidate(t *testing.T) {
	headers := []string{"Teilenummer", "UPE", "Listenpreis", "Bezeichnung"}
	col := func(i int, f Field) Column { return Column{Index: i, Header: headers[i], Field: f} }
	tests := []struct {
		name  string
		m     Mapping
		index int
		field Field
		msg   string
	}{
		{"ok", Mapping{Columns: []Column{col(0, PartNumber), col(1, ListPrice), col(2, OtherPrice), col(3, Description)}, Currency: "chf"}, 0, "", ""},
		{"headers may be left out", Mapping{Columns: []Column{{Index: 0, Field: PartNumber}}}, 0, "", ""},
		{"no part number", Mapping{Columns: []Column{col(1, ListPrice)}}, -1, PartNumber,
			"No column is mapped to Part number: choose the part-number column."},
		{"out of range", Mapping{Columns: []Column{col(0, PartNumber), {Index: 7, Field: NetPrice}}}, 7, NetPrice,
			"Column H does not exist: the sheet has 4 columns."},
		{"mapped twice", Mapping{Columns: []Column{col(0, PartNumber), col(1, ListPrice), col(1, NetPrice)}}, 1, NetPrice,
			`Column B ("UPE") is mapped twice: map it once.`},
		{"two list prices", Mapping{Columns: []Column{col(0, PartNumber), col(1, ListPrice), col(2, ListPrice)}}, 2, ListPrice,
			`Columns B ("UPE") and C ("Listenpreis") are both mapped to List price: choose one and map the other to Other price or Ignore.`},
		{"two part numbers", Mapping{Columns: []Column{col(0, PartNumber), col(3, PartNumber)}}, 3, PartNumber,
			`Columns A ("Teilenummer") and D ("Bezeichnung") are both mapped to Part number: choose one and map the other to Ignore.`},
		{"unknown field", Mapping{Columns: []Column{col(0, PartNumber), col(1, "price")}}, 1, "price",
			`Column B ("UPE") is mapped to "price", which is not a field`},
		{"other layout", Mapping{Columns: []Column{{Index: 0, Header: "Artikelnummer", Field: PartNumber}}}, 0, PartNumber,
			`Column A is "Teilenummer" in this file, not "Artikelnummer"`},
		{"bad currency", Mapping{Columns: []Column{col(0, PartNumber)}, Currency: "Euros please"}, -1, Currency,
			`"Euros please" is not a currency`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate(headers)
			if tt.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var me *MappingError
			if !errors.As(err, &me) || me.Index != tt.index || me.Field != tt.field || !strings.HasPrefix(me.Message, tt.msg) {
				t.Fatalf("err %#v, want %d %s %q", err, tt.index, tt.field, tt.msg)
			}
		})
	}
	// Header case and punctuation may differ.
	if err := (Mapping{Columns: []Column{{Index: 0, Header: "TEILE-NUMMER", Field: PartNumber}}}).Validate([]string{"Teilenummer"}); err != nil {
		t.Errorf("header spelling: %v", err)
	}
}
