package parts

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/internal/pricefile"
)

// RememberedMapping returns the column mapping a person saved for the
// supplier whose files have the header signature, if any.
func RememberedMapping(app core.App, tenant, signature string) (pricefile.Mapping, bool, error) {
	var raw string
	err := app.DB().Select("mapping").From(Mappings).
		Where(dbx.HashExp{"tenant": tenant, "signature": signature}).Row(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return pricefile.Mapping{}, false, nil
	}
	if err != nil {
		return pricefile.Mapping{}, false, fmt.Errorf("mapping %s: %w", signature, err)
	}
	var m pricefile.Mapping
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return pricefile.Mapping{}, false, fmt.Errorf("mapping %s: %w", signature, err)
	}
	return m, true, nil
}

// SaveMapping remembers m for the supplier whose files have headers, so the
// next file with the same headers is read the same way.
func SaveMapping(app core.App, tenant, user string, headers []string, m pricefile.Mapping) error {
	signature := pricefile.Signature(headers)
	col, err := app.FindCachedCollectionByNameOrId(Mappings)
	if err != nil {
		return err
	}
	rec, err := app.FindFirstRecordByFilter(Mappings, "tenant = {:t} && signature = {:s}", dbx.Params{"t": tenant, "s": signature})
	if err != nil {
		rec = core.NewRecord(col)
		rec.Set("tenant", tenant)
		rec.Set("signature", signature)
	}
	rec.Set("headers", headers)
	rec.Set("mapping", m)
	rec.Set("updated_by", user)
	if err := app.Save(rec); err != nil {
		return fmt.Errorf("save mapping %s: %w", signature, err)
	}
	return nil
}
