package scenario

import (
	"testing"
)

func TestIndexKeys(t *testing.T) {
	const text = "\xef\xbb\xbf# a [fake] header in a comment = 3\n" + // 1
		`name = "a # not a comment"` + "\n" + // 2
		`description = """` + "\n" + // 3
		`days = 5` + "\n" + // 4: inside the string
		`[market]` + "\n" + // 5: inside the string
		`"""` + "\n" + // 6
		`seed = 'x'   # comment` + "\n" + // 7
		"\n" + // 8
		`[ city . "landuse" ]   # spaces and quotes` + "\n" + // 9
		`park = { cover = 0.5,` + "\n" + // 10
		`  traffic = 0.2 }` + "\n" + // 11
		`forest.demand = 1` + "\n" + // 12
		`[city]` + "\n" + // 13: a super-table after its sub-table
		`width = 3` + "\n" + // 14
		`[buyers]` + "\n" + // 15
		`diurnal = [` + "\n" + // 16
		`  1, 2, # [not = a key]` + "\n" + // 17
		`  3 ]` + "\n" + // 18
		`count = 4` + "\n" + // 19
		`[[police.group]]` + "\n" + // 20
		`count = 1` + "\n" + // 21
		`[[police.group]]` + "\n" + // 22
		`area = [1, 2,` + "\n" + // 23
		`  3, 4]` + "\n" + // 24
		`[police.group.extra]` + "\n" + // 25
		`x = 1` + "\n" + // 26
		`[other]` + "\n" + // 27
		`list = [{ a = 1 }, ` + "\n" + // 28
		`  { a = 2 }]` + "\n" + // 29
		`s = 'it''s' ` + "\n" + // 30: not valid TOML, but must not derail the scan
		`t = "\"quoted\" = 1"` + "\n" + // 31
		`u = 1979-05-27 07:32:00Z` + "\n" // 32
	want := map[string]keyPos{
		"name":                         {2, false},
		"description":                  {3, false},
		"seed":                         {7, false},
		"city":                         {13, true},
		"city.landuse":                 {9, true},
		"city.landuse.park":            {10, true},
		"city.landuse.park.cover":      {10, false},
		"city.landuse.park.traffic":    {11, false},
		"city.landuse.forest":          {12, false},
		"city.landuse.forest.demand":   {12, false},
		"city.width":                   {14, false},
		"buyers":                       {15, true},
		"buyers.diurnal":               {16, false},
		"buyers.count":                 {19, false},
		"police":                       {20, false},
		"police.group":                 {20, false},
		"police.group[1]":              {20, true},
		"police.group[1].count":        {21, false},
		"police.group[2]":              {22, true},
		"police.group[2].area":         {23, false},
		"police.group[2].extra":        {25, true},
		"police.group[2].extra.x":      {26, false},
		"other.list":                   {28, false},
		"other.list[1]":                {28, true},
		"other.list[1].a":              {28, false},
		"other.list[2]":                {29, true},
		"other.list[2].a":              {29, false},
		"other.t":                      {31, false},
		"other.u":                      {32, false},
		"other":                        {27, true},
		"other.s":                      {30, false},
		"market":                       {},
		"days":                         {},
		"fake":                         {},
		"buyers.not":                   {},
		"city.landuse.park.cover.more": {},
	}
	idx := indexKeys(text)
	for key, w := range want {
		if got := idx[key]; got != w {
			t.Errorf("%s: got %+v, want %+v", key, got, w)
		}
	}
	for key := range idx {
		if _, ok := want[key]; !ok {
			t.Errorf("unexpected key %q at %+v", key, idx[key])
		}
	}
}

func TestLocate(t *testing.T) {
	idx := indexKeys("seed = 1\n[stasher]\nquota = 3\n[[police.group]]\n[[police.group]]\ncount = 2\n[buyers]\ndiurnal = [\n1]\n[city]\nlanduse.park.cover = 1\n")
	for _, tc := range []struct {
		key     string
		line    int
		written bool
		table   string
	}{
		{"seed", 1, true, ""},
		{"stasher.quota", 3, true, ""},
		{"stasher.speed", 2, false, "stasher"},
		{"police.group[2].count", 6, true, ""},
		{"police.group[2].end_day", 5, false, "police.group[2]"},
		{"police.group[1].end_day", 4, false, "police.group[1]"},
		{"police.group", 4, true, ""},
		{"buyers.diurnal[0]", 8, true, ""},
		{"city.landuse.park.cover", 11, true, ""},
		{"city.landuse.park.traffic", 10, false, "city"}, // dotted keys open no table of their own
		{"market.shops", 0, false, ""},
		{"days", 0, false, ""},
	} {
		line, written, table := idx.locate(tc.key)
		if line != tc.line || written != tc.written || table != tc.table {
			t.Errorf("locate(%q) = %d, %v, %q; want %d, %v, %q", tc.key, line, written, table, tc.line, tc.written, tc.table)
		}
	}
}

func TestClosest(t *testing.T) {
	keys := []string{"quota", "speed", "shift_start", "shift_end", "b_cover", "area"}
	for _, tc := range []struct{ name, want string }{
		{"qouta", "quota"},  // swapped letters
		{"Quota", "quota"},  // case
		{"quot", "quota"},   // one missing
		{"quotaa", "quota"}, // one extra
		{"shift_strat", "shift_start"},
		{"shiftend", "shift_end"},
		{"spede", "speed"},
		{"area_", "area"},
		{"ara", "area"},
		{"cover", "b_cover"}, // two edits: allowed for names of five letters or more
		{"colour", ""},
		{"xyz", ""},
	} {
		if got := closest(tc.name, keys); got != tc.want {
			t.Errorf("closest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "ab", 2}, {"quota", "quota", 0},
		{"qouta", "quota", 1}, {"kitten", "sitting", 3}, {"ca", "abc", 3},
	} {
		if d := editDistance(tc.a, tc.b); d != tc.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, d, tc.d)
		}
	}
}
