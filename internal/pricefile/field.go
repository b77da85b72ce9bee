package pricefile

// Field is what a column of a price file holds: the target a [Column] is
// mapped to.
type Field string

// The fields a column can be mapped to. Every field but OtherPrice,
// Description and Ignore is held by at most one column of a sheet.
const (
	// PartNumber is the part number as written; required.
	PartNumber Field = "part_number"
	// Brand is the make or manufacturer, as written.
	Brand Field = "brand"
	// Description is the part's name; several columns are joined with a
	// space.
	Description Field = "description"
	// ListPrice is the list or retail price (UPE, Listenpreis, VK).
	ListPrice Field = "price_list"
	// NetPrice is the dealer's net or cost price (Netto, HEK, EK).
	NetPrice Field = "price_net"
	// OtherPrice is any other price column; its header is its label.
	// Several columns may be other prices.
	OtherPrice Field = "price_other"
	// Currency is a column naming the currency of the row's prices.
	Currency Field = "currency"
	// CoreCharge is the core charge or deposit (Pfand, Altteilwert).
	CoreCharge Field = "core_charge"
	// PackQty is how many pieces come in a pack (VPE).
	PackQty Field = "pack_qty"
	// MinOrder is the minimum order quantity.
	MinOrder Field = "min_order"
	// PriceGroup is the discount or price group code (Rabattgruppe).
	PriceGroup Field = "price_group"
	// PriceUnit is how many pieces the prices are for (Preiseinheit
	// "100": the price is per 100 pieces); prices are divided by it.
	PriceUnit Field = "price_unit"
	// Returnable says whether the part may be returned.
	Returnable Field = "returnable"
	// Weight is the part's weight, in kg unless the cell or the header
	// says otherwise.
	Weight Field = "weight"
	// SupersededBy holds the number or numbers that replace the part.
	SupersededBy Field = "superseded_by"
	// Supersedes holds the old number or numbers the part replaces.
	Supersedes Field = "supersedes"
	// QtyRatio is how many of the new part replace one of the old.
	QtyRatio Field = "qty_ratio"
	// Interchange says whether old and new part are interchangeable one
	// way or both ways.
	Interchange Field = "interchange"
	// SupersessionDate is when the supersession took effect.
	SupersessionDate Field = "supersession_date"
	// Ignore is a column that is not read.
	Ignore Field = "ignore"
)

// FieldInfo describes a Field for the mapping screen.
type FieldInfo struct {
	// Field is the field's value in a Mapping.
	Field Field `json:"field"`
	// Label is the field's English name.
	Label string `json:"label"`
	// Multiple reports that several columns of a sheet may hold the field.
	Multiple bool `json:"multiple"`
}

var fieldInfos = []FieldInfo{
	{PartNumber, "Part number", false},
	{Brand, "Brand", false},
	{Description, "Description", true},
	{ListPrice, "List price", false},
	{NetPrice, "Net price", false},
	{OtherPrice, "Other price", true},
	{Currency, "Currency", false},
	{CoreCharge, "Core charge / deposit", false},
	{PackQty, "Pack quantity", false},
	{MinOrder, "Minimum order", false},
	{PriceGroup, "Price / discount group", false},
	{PriceUnit, "Price unit (prices per N pieces)", false},
	{Returnable, "Returnable", false},
	{Weight, "Weight", false},
	{SupersededBy, "Superseded by (new number)", false},
	{Supersedes, "Supersedes (old number)", false},
	{QtyRatio, "Quantity ratio (new per old)", false},
	{Interchange, "Interchangeability", false},
	{SupersessionDate, "Supersession date", false},
	{Ignore, "Ignore", true},
}

// Fields lists every Field in the order the mapping screen offers them,
// with an English label. The slice is a copy.
func Fields() []FieldInfo {
	return append([]FieldInfo(nil), fieldInfos...)
}

// info returns the description of f, and whether f is a known field.
func info(f Field) (FieldInfo, bool) {
	for _, fi := range fieldInfos {
		if fi.Field == f {
			return fi, true
		}
	}
	return FieldInfo{}, false
}

// Label returns the English label of f, or f itself when it is unknown.
func (f Field) Label() string {
	if fi, ok := info(f); ok {
		return fi.Label
	}
	return string(f)
}
