package gis

import (
	"strings"
	"testing"
)

func TestPRJ(t *testing.T) {
	for _, c := range []struct {
		crs  string
		want []string // parts of the WKT
	}{
		// UTM zone 33 north is centred on 15 degrees east (6 x 33 - 183).
		{"EPSG:32633", []string{`PROJCS["WGS_1984_UTM_Zone_33N"`, `PARAMETER["Central_Meridian",15.0]`, `PARAMETER["False_Northing",0.0]`, `PARAMETER["Scale_Factor",0.9996]`}},
		// Zone 37 north (Moscow): 39 degrees east.
		{"epsg:32637", []string{`Zone_37N`, `PARAMETER["Central_Meridian",39.0]`}},
		// Zone 1 south: -177 degrees, false northing 10,000 km.
		{"EPSG:32701", []string{`Zone_1S`, `PARAMETER["Central_Meridian",-177.0]`, `PARAMETER["False_Northing",10000000.0]`}},
		{"EPSG:4326", []string{`GEOGCS["GCS_WGS_1984"`, `SPHEROID["WGS_1984",6378137.0,298.257223563]`}},
		{"EPSG:3857", []string{`Mercator_Auxiliary_Sphere`}},
	} {
		wkt, ok := PRJ(c.crs)
		if !ok {
			t.Errorf("%s: no WKT", c.crs)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(wkt, w) {
				t.Errorf("%s: WKT lacks %s:\n%s", c.crs, w, wkt)
			}
		}
		if strings.Count(wkt, "[") != strings.Count(wkt, "]") {
			t.Errorf("%s: unbalanced brackets: %s", c.crs, wkt)
		}
	}
	for _, crs := range []string{"", "EPSG:2154", "EPSG:32661", "EPSG:32600", "ESRI:102100", "EPSG:abc"} {
		if _, ok := PRJ(crs); ok {
			t.Errorf("%q: WKT given for a code dropsim does not know", crs)
		}
	}
	if PRJName("drops_before.asc") != "drops_before.prj" {
		t.Errorf("PRJName")
	}
}
