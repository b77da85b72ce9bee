package documents_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"counterpart/hooks/apptest"
	"counterpart/hooks/documents"
	migrations "counterpart/pb_migrations"
)

func TestCategoryFromColumns(t *testing.T) {
	if !slices.Contains(migrations.DocumentCategories, documents.CategoryPriceList) {
		t.Fatalf("%q is not a document category", documents.CategoryPriceList)
	}
	file := func(name string) []byte {
		b, err := os.ReadFile("../../internal/pricefile/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name, file, typ string
		body            []byte
		want            string
	}{
		{"German export: title rows, Windows-1252, Teile-Nr. and UPE", "export.csv", "text/csv", file("preisliste_de_windows1252.csv"), documents.CategoryPriceList},
		{"English list: Part Number and List Price", "list.csv", "text/csv", file("price_list_en.csv"), documents.CategoryPriceList},
		{"workbook with a title row above the header", "katalog.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file("katalog_2_sheets.xlsx"), documents.CategoryPriceList},
		{"semicolons, one price column", "a.csv", "text/csv", []byte(priceList), documents.CategoryPriceList},
		{"part numbers without prices", "b.csv", "text/csv", []byte("Teilenummer;Bezeichnung\n1K0698151A;Bremsbelagsatz\n04152-YZZA6;Ölfilter\n"), ""},
		{"prices without part numbers", "c.csv", "text/csv", []byte("Name,Price\nWorkshop hour,120.00\nCar wash,15.00\n"), ""},
		{"no header row: columns guessed from values are not enough", "d.csv", "text/csv", []byte("1K0698151A;Bremsbelagsatz;89,50\n04152-YZZA6;Ölfilter;7,45\n"), ""},
		{"a staff list", "e.csv", "text/csv", []byte("Name,Email,Phone\nPat,pat@example.com,123\n"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := documents.CategoryFromColumns(context.Background(), bytes.NewReader(tc.body), int64(len(tc.body)), tc.typ, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("category %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCategoryGuessedAfterProcessing: a price list uploaded without a
// category gets price_list once it is ready (and so its parts are imported);
// a category the person chose, or a table that is no price list, is left alone.
func TestCategoryGuessedAfterProcessing(t *testing.T) {
	e := newEnv(t, nil)
	guessed := e.upload(t, "export_0423.csv", "text/csv", []byte(priceList))
	chosen := apptest.UploadAs(t, e.srv, e.token, "export_0424.csv", "text/csv", "other", []byte(priceList))
	staff := e.upload(t, "staff.csv", "text/csv", []byte("Name,Email,Phone\nPat,pat@example.com,123\nSam,sam@example.com,456\n"))
	for _, id := range []string{guessed, chosen, staff} {
		if doc := e.waitStatus(t, id); doc.GetString("status") != "ready" {
			t.Fatalf("%s: %s %s", doc.GetString("filename"), doc.GetString("status"), doc.GetString("error"))
		}
	}
	want := map[string]string{guessed: documents.CategoryPriceList, chosen: "other", staff: ""}
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := map[string]string{}
		for id := range want {
			doc, err := e.app.FindRecordById("documents", id)
			if err != nil {
				t.Fatal(err)
			}
			got[id] = doc.GetString("category")
		}
		jobsLeft, err := e.app.CountRecords("jobs", dbx.NewExp("status IN ('queued', 'running')"))
		if err != nil {
			t.Fatal(err)
		}
		parts, err := e.app.CountRecords("parts", nil)
		if err != nil {
			t.Fatal(err)
		}
		// done once the guess is made and the import it queued has written the two parts
		if got[guessed] == documents.CategoryPriceList && parts == 2 && jobsLeft == 0 {
			if got[chosen] != "other" || got[staff] != "" {
				t.Errorf("categories %v, want %v", got, want)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("categories %v (want %v), %d parts (want 2), %d jobs left", got, want, parts, jobsLeft)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
