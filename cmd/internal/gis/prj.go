package gis

import (
	"fmt"
	"strconv"
	"strings"
)

// The .prj file beside an ESRI ASCII grid names its coordinate system in
// WKT (the ESRI flavour, which QGIS and GDAL read), so that the grid is
// placed on the map without asking. dropsim has no coordinate-system
// database: it writes the WKT of the systems a city is most often given
// in, WGS 84 (EPSG:4326), Web Mercator (EPSG:3857) and the 120 WGS 84 /
// UTM zones (EPSG:32601-32660 north, 32701-32760 south), and none for
// other codes (drops.geojson still names the code).

const gcsWGS84 = `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`

// PRJ returns the WKT of crs (e.g. "EPSG:32633"), and false when dropsim
// does not know it.
func PRJ(crs string) (string, bool) {
	auth, code, ok := strings.Cut(strings.TrimSpace(crs), ":")
	if !ok || !strings.EqualFold(auth, "EPSG") {
		return "", false
	}
	n, err := strconv.Atoi(code)
	if err != nil {
		return "", false
	}
	switch {
	case n == 4326:
		return gcsWGS84, true
	case n == 3857:
		return `PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",` + gcsWGS84 +
			`,PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]`, true
	case n >= 32601 && n <= 32660, n >= 32701 && n <= 32760:
		zone, hemi, north := n%100, "N", 0.0
		if n > 32700 {
			hemi, north = "S", 10000000
		}
		// Zone z is centred on meridian 6z - 183 degrees.
		return fmt.Sprintf(`PROJCS["WGS_1984_UTM_Zone_%d%s",%s,PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",%.1f],PARAMETER["Central_Meridian",%.1f],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`,
			zone, hemi, gcsWGS84, north, float64(6*zone-183)), true
	}
	return "", false
}

// PRJName is the .prj file's name beside the grid name.asc.
func PRJName(asc string) string { return strings.TrimSuffix(asc, ".asc") + ".prj" }
