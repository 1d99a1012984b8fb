package chart

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"dropsim/sim"
	"dropsim/sim/grid"
	"dropsim/sim/metrics"
)

var (
	update = flag.Bool("update", false, "rewrite the golden files in testdata")
	figDir = flag.String("figdir", "", "write the test runs' figures to this directory, to look at them")
)

// variantRun is testRun's run under other parameters of the zones or the
// police: its zones and summary are rebuilt, and the daily zone counts
// dropped when there is no longer a treatment area (as Daily would).
func variantRun(t testing.TB, change func(p *sim.Params)) *Run {
	t.Helper()
	base := testRun(t)
	v := *base
	v.Params.Police.Groups = slices.Clone(base.Params.Police.Groups)
	change(&v.Params)
	v.Zones = v.Params.BuildZones(v.Land)
	if !v.Zones.HasTreatment {
		v.Daily = slices.DeleteFunc(slices.Clone(base.Daily), func(r metrics.DailyRow) bool {
			return strings.HasPrefix(r.Metric, "drops_") && r.Metric != "drops_placed" || strings.HasPrefix(r.Metric, "share_")
		})
	}
	usable := 0
	for _, c := range v.Land {
		if c != grid.Water {
			usable++
		}
	}
	v.Summary = metrics.Summarise(&v.Params, v.Zones, usable, v.Tables.Drops, v.Tables.Arrests)
	return &v
}

var (
	variantMu   sync.Mutex
	variantRuns = map[string]*Run{}
)

// variant builds a variant run once.
func variant(t testing.TB, name string, change func(p *sim.Params)) *Run {
	variantMu.Lock()
	defer variantMu.Unlock()
	if r, ok := variantRuns[name]; ok {
		return r
	}
	r := variantRun(t, change)
	r.Params.Name = name
	variantRuns[name] = r
	return r
}

func noPeriodsRun(t testing.TB) *Run {
	r := variant(t, "no-periods", func(p *sim.Params) { p.Police.Groups[0].StartDay = 0 })
	if r.Zones.HasPeriods || !r.Zones.HasTreatment {
		t.Fatalf("the no-periods run has periods %v, treatment %v", r.Zones.HasPeriods, r.Zones.HasTreatment)
	}
	return r
}

func noTreatmentRun(t testing.TB) *Run {
	r := variant(t, "no-treatment", func(p *sim.Params) {
		p.Police.Groups[0].Strategy = "random"
		p.Police.Groups[0].Area = nil
	})
	if r.Zones.HasTreatment || r.Zones.HasPeriods {
		t.Fatalf("the no-treatment run has treatment %v, periods %v", r.Zones.HasTreatment, r.Zones.HasPeriods)
	}
	return r
}

var (
	figCacheMu sync.Mutex
	figCache   = map[*Run][]Figure{}
)

// allFigures draws a run's figures in every format, once per run.
func allFigures(t testing.TB, r *Run) []Figure {
	t.Helper()
	figCacheMu.Lock()
	defer figCacheMu.Unlock()
	if f, ok := figCache[r]; ok {
		return f
	}
	figs, err := Figures(context.Background(), r, Formats)
	if err != nil {
		t.Fatal(err)
	}
	figCache[r] = figs
	if *figDir != "" {
		for _, f := range figs {
			for format, b := range f.Data {
				name := filepath.Join(*figDir, fmt.Sprintf("%s_%s.%s", r.Params.Name, f.Name, format))
				if err := os.WriteFile(name, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return figs
}

func names(figs []Figure) []string {
	var n []string
	for _, f := range figs {
		n = append(n, f.Name)
	}
	return n
}

func TestFigureNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(t testing.TB) *Run
		want []string
	}{
		{"periods", testRun, []string{"drops_by_zone", "density_before", "density_after", "density_change", "rings", "centroid_path", "arrests_by_role", "market"}},
		{"no periods", noPeriodsRun, []string{"drops_by_zone", "density_all", "centroid_path", "arrests_by_role", "market"}},
		{"no treatment", noTreatmentRun, []string{"drops_by_zone", "density_all", "centroid_path", "arrests_by_role", "market"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			figs := allFigures(t, tc.run(t))
			if got := names(figs); !slices.Equal(got, tc.want) {
				t.Fatalf("figures %v, want %v", got, tc.want)
			}
			for _, f := range figs {
				if f.Title == "" || f.Caption == "" {
					t.Errorf("%s: title %q, caption %q", f.Name, f.Title, f.Caption)
				}
				if strings.Contains(f.Caption, "NaN") || strings.Contains(f.Caption, "%!") {
					t.Errorf("%s: caption %q", f.Name, f.Caption)
				}
				for _, format := range Formats {
					if len(f.Data[format]) == 0 {
						t.Errorf("%s: no %s", f.Name, format)
					}
				}
			}
		})
	}
}

func TestFigureVariants(t *testing.T) {
	// Without a treatment area, the drops are drawn for the whole city.
	byName := func(figs []Figure, name string) Figure {
		for _, f := range figs {
			if f.Name == name {
				return f
			}
		}
		t.Fatalf("no figure %s", name)
		return Figure{}
	}
	f := byName(allFigures(t, noTreatmentRun(t)), "drops_by_zone")
	if f.Title != "Drops placed per day" || !strings.Contains(f.Caption, "no treatment area") {
		t.Errorf("drops_by_zone without a treatment: title %q, caption %q", f.Title, f.Caption)
	}
	f = byName(allFigures(t, noPeriodsRun(t)), "density_all")
	if !strings.Contains(f.Caption, "no before and after periods") {
		t.Errorf("density_all caption %q does not say why there are no periods", f.Caption)
	}
	f = byName(allFigures(t, testRun(t)), "density_before")
	if !strings.Contains(f.Caption, "days 10–19") || !strings.Contains(f.Title, "days 10-19") {
		t.Errorf("density_before: title %q, caption %q: want the before period, days 10 to 19 (after the warm-up)", f.Title, f.Caption)
	}
}

func TestFigureFormatsAsked(t *testing.T) {
	r := testRun(t)
	for _, formats := range [][]string{nil, {"svg"}, {"pdf", "png"}} {
		figs, err := Figures(context.Background(), r, formats)
		if err != nil {
			t.Fatal(err)
		}
		want := append([]string{"png"}, formats...)
		slices.Sort(want)
		want = slices.Compact(want)
		for _, f := range figs {
			var got []string
			for k := range f.Data {
				got = append(got, k)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("formats %v: %s has %v", formats, f.Name, got)
			}
		}
	}
	if _, err := Figures(context.Background(), r, []string{"gif"}); err == nil {
		t.Error("Figures accepted the format gif")
	}
	if _, err := Figures(context.Background(), nil, nil); err == nil {
		t.Error("Figures accepted a nil run")
	}
	bad := *r
	bad.Land = bad.Land[:10]
	if _, err := Figures(context.Background(), &bad, nil); err == nil {
		t.Error("Figures accepted a land use of the wrong size")
	}
}

// specsOf returns the figure specs of a run by name.
func specsOf(t testing.TB, r *Run) map[string]*figSpec {
	t.Helper()
	specs, err := figureSpecs(r)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*figSpec{}
	for _, s := range specs {
		m[s.name] = s
	}
	return m
}

func TestFigurePNG(t *testing.T) {
	for _, run := range []func(testing.TB) *Run{testRun, noPeriodsRun} {
		r := run(t)
		specs := specsOf(t, r)
		for _, f := range allFigures(t, r) {
			img, err := png.Decode(bytes.NewReader(f.Data["png"]))
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			s := specs[f.Name]
			b := img.Bounds()
			if b.Dx() != 1512 || b.Dx() != pixels(s.w) || b.Dy() != pixels(s.h) {
				t.Errorf("%s: %d x %d pixels, want 1512 x %d", f.Name, b.Dx(), b.Dy(), pixels(s.h))
			}
			if b.Dy() < 600 || b.Dy() > 2300 {
				t.Errorf("%s: %d pixels high", f.Name, b.Dy())
			}
			colours := map[color.RGBA]bool{}
			for y := b.Min.Y; y < b.Max.Y; y += 3 {
				for x := b.Min.X; x < b.Max.X; x += 3 {
					colours[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)] = true
				}
			}
			if len(colours) < 40 {
				t.Errorf("%s: only %d colours", f.Name, len(colours))
			}
		}
	}
}

// svgText returns the text of an SVG document, failing if it is not
// well-formed XML with an svg root.
func svgText(t *testing.T, name string, b []byte) string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	var text strings.Builder
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: SVG does not parse: %v", name, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
		case xml.CharData:
			text.Write(tok)
			text.WriteByte('\n')
		}
	}
	if root != "svg" {
		t.Fatalf("%s: SVG root element %q", name, root)
	}
	return text.String()
}

// labels are texts each figure must show: its axes' labels.
var labels = map[string][]string{
	"drops_by_zone":   {"day of the run", "drops per day"},
	"density_before":  {"km east of the west edge", "km south of the north edge", "drops per cell per day (log scale)", "treatment area"},
	"density_after":   {"km east of the west edge", "km south of the north edge", "drops per cell per day (log scale)"},
	"density_change":  {"km east of the west edge", "km south of the north edge", "change in drops per cell per day (square-root scale)", "distance rings"},
	"rings":           {"distance from the treatment area, outer edge of the ring (m)", "change relative to beyond the rings (%)", "drops placed"},
	"density_all":     {"km east of the west edge", "km south of the north edge", "drops per cell per day (log scale)"},
	"centroid_path":   {"km east of the west edge", "km south of the north edge", "daily centroid"},
	"arrests_by_role": {"day of the run", "arrests per week", "stasher", "buyer"},
	"market":          {"day of the run", "orders per day", "thousand roubles", "unmet orders"},
}

func TestFigureSVG(t *testing.T) {
	for _, run := range []func(testing.TB) *Run{testRun, noPeriodsRun} {
		for _, f := range allFigures(t, run(t)) {
			text := svgText(t, f.Name, f.Data["svg"])
			for _, want := range append([]string{f.Title}, labels[f.Name]...) {
				if !strings.Contains(text, want) {
					t.Errorf("%s: SVG has no text %q", f.Name, want)
				}
			}
			if !bytes.Contains(f.Data["svg"], []byte("font-family:Liberation Sans,Arial,Helvetica,sans-serif;")) {
				t.Errorf("%s: SVG fonts have no fallback", f.Name)
			}
		}
	}
}

var (
	pdfStream = regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`)
	pdfText   = regexp.MustCompile(`\(((?:[^()\\]|\\.)*)\)\s*Tj`)
)

// pdfTexts returns the strings the PDF's content streams show (with Tj),
// unescaped. gofpdf deflates its streams, so they are inflated first.
func pdfTexts(t *testing.T, name string, b []byte) []string {
	t.Helper()
	var out []string
	for _, m := range pdfStream.FindAllSubmatch(b, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not deflated (an image, say)
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			continue // a font program or image whose stream is not text
		}
		for _, tm := range pdfText.FindAllSubmatch(data, -1) {
			s := regexp.MustCompile(`\\(.)`).ReplaceAll(tm[1], []byte("$1"))
			out = append(out, string(s))
		}
	}
	return out
}

func TestFigurePDF(t *testing.T) {
	for _, run := range []func(testing.TB) *Run{testRun, noPeriodsRun} {
		for _, f := range allFigures(t, run(t)) {
			b := f.Data["pdf"]
			if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimRight(b, "\r\n"), []byte("%%EOF")) {
				t.Fatalf("%s: not a PDF: starts %q, ends %q", f.Name, b[:min(10, len(b))], b[max(0, len(b)-10):])
			}
			if n := bytes.Count(b, []byte("/Type /Page\n")); n != 1 {
				t.Errorf("%s: %d pages", f.Name, n)
			}
			checkXref(t, f.Name, b)
			if bytes.Contains(b, []byte("/CreationDate")) || bytes.Contains(b, []byte("/ModDate")) {
				t.Errorf("%s: the PDF has a date", f.Name)
			}
			texts := pdfTexts(t, f.Name, b)
			all := strings.Join(texts, "\n")
			for _, want := range append([]string{f.Title}, labels[f.Name]...) {
				if !strings.Contains(all, want) {
					t.Errorf("%s: PDF shows no text %q", f.Name, want)
				}
			}
			// The PDF backend writes text bytes as Windows-1252 without
			// converting them: text drawn must be ASCII.
			for _, s := range texts {
				for _, c := range []byte(s) {
					if c >= 0x80 {
						t.Errorf("%s: text %q is not ASCII, which the PDF would garble", f.Name, s)
						break
					}
				}
			}
		}
	}
}

// checkXref checks that the cross-reference table points at the objects,
// which blanking the dates must not have moved.
func checkXref(t *testing.T, name string, b []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s: no startxref", name)
	}
	off, _ := strconv.Atoi(string(m[1]))
	if off >= len(b) || !bytes.HasPrefix(b[off:], []byte("xref")) {
		t.Fatalf("%s: startxref %d does not point at the xref table", name, off)
	}
	entry := regexp.MustCompile(`(\d{10}) 00000 n `)
	lines := bytes.Split(b[off:], []byte("\n"))
	obj := -1
	for _, l := range lines[1:] {
		if f := bytes.Fields(l); len(f) == 2 { // subsection header "first count"
			obj, _ = strconv.Atoi(string(f[0]))
			continue
		}
		if bytes.HasPrefix(l, []byte("trailer")) {
			break
		}
		if m := entry.FindSubmatch(l); m != nil {
			o, _ := strconv.Atoi(string(m[1]))
			if want := fmt.Sprintf("%d 0 obj", obj); !bytes.HasPrefix(b[o:], []byte(want)) {
				t.Fatalf("%s: xref entry of object %d points at %q", name, obj, b[o:min(len(b), o+12)])
			}
		}
		obj++
	}
}

func TestFiguresDeterministic(t *testing.T) {
	r := testRun(t)
	a := allFigures(t, r)
	b, err := Figures(context.Background(), r, Formats)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		for _, format := range Formats {
			if !bytes.Equal(a[i].Data[format], b[i].Data[format]) {
				t.Errorf("%s.%s differs between two calls", a[i].Name, format)
			}
		}
		if a[i].Caption != b[i].Caption {
			t.Errorf("%s: the caption differs between two calls", a[i].Name)
		}
	}
}

// beforeCounts counts the drops placed in each cell in the before period,
// straight from the drop records.
func beforeCounts(r *Run) (counts []int, days int) {
	z := r.Zones
	tpd := r.Params.TicksPerDay()
	counts = make([]int, z.W*z.H)
	for _, d := range r.Tables.Drops {
		day := int(d.Placed) / tpd
		if day >= z.BeforeStart && day < z.SplitDay {
			counts[int(d.Y)*z.W+int(d.X)]++
		}
	}
	return counts, z.SplitDay - z.BeforeStart
}

func TestDensityGrid(t *testing.T) {
	r := testRun(t)
	counts, days := beforeCounts(r)
	g, n := densityGrid(r, func(d int) bool { return r.Zones.PeriodOf(d) == sim.PeriodBefore })
	if n != days {
		t.Fatalf("densityGrid counted %d days, want %d", n, days)
	}
	total := 0
	for i, c := range counts {
		total += c
		if math.Abs(g[i]-float64(c)/float64(days)) > 1e-12 {
			t.Fatalf("cell %d: density %g, want %d drops / %d days", i, g[i], c, days)
		}
	}
	if total == 0 {
		t.Fatal("no drops in the before period")
	}

	// The density image colours exactly the cells with drops, in the
	// order of the scale.
	bar := densityScale(1/float64(days), slices.Max(g))
	img := valueImage(r.Zones.W, r.Zones.H, g, func(i int) bool { return g[i] == 0 }, func(v float64) color.NRGBA { return seqRamp.at(bar.pos(v)) })
	W := r.Zones.W
	for i, c := range counts {
		px := img.NRGBAAt(i%W, i/W)
		switch {
		case c == 0 && px.A != 0:
			t.Fatalf("cell (%d, %d) has no drops but colour %v", i%W, i/W, px)
		case c > 0 && px.A != 0xFF:
			t.Fatalf("cell (%d, %d) has %d drops but is not opaque: %v", i%W, i/W, c, px)
		}
	}
	top := slices.Index(counts, slices.Max(counts))
	one := slices.Index(counts, 1)
	if img.NRGBAAt(top%W, top/W) != seqRamp[255] || img.NRGBAAt(one%W, one/W) != seqRamp[0] {
		t.Errorf("the densest cell is %v and a cell of one drop %v; want the ends of the scale %v and %v",
			img.NRGBAAt(top%W, top/W), img.NRGBAAt(one%W, one/W), seqRamp[255], seqRamp[0])
	}
	if lum(seqRamp[255]) >= lum(seqRamp[0]) {
		t.Error("the density scale does not get darker with density")
	}
}

func lum(c color.NRGBA) float64 {
	return 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)
}

// TestDensityPNG samples the before map's PNG at the centre of the cell
// with the most drops, of a water cell and of an empty land cell, placed
// from the map's layout.
func TestDensityPNG(t *testing.T) {
	r := testRun(t)
	z := r.Zones
	s := specsOf(t, r)["density_before"]
	var png0 []byte
	for _, f := range allFigures(t, r) {
		if f.Name == "density_before" {
			png0 = f.Data["png"]
		}
	}
	img, err := png.Decode(bytes.NewReader(png0))
	if err != nil {
		t.Fatal(err)
	}
	l := s.mapFig.layout(draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: s.w, Y: s.h}}})
	dw, dh := l.data.Max.X-l.data.Min.X, l.data.Max.Y-l.data.Min.Y
	if cw, ch := dw/vg.Length(z.W), dh/vg.Length(z.H); math.Abs(float64(cw-ch)) > 0.01 {
		t.Errorf("cells are %v x %v: not square", cw, ch)
	}
	// Cell (x, y): x from the west, y from the north edge, which is at the top.
	at := func(x, y int) color.RGBA {
		px := (l.data.Min.X + dw*vg.Length((float64(x)+0.5)/float64(z.W))).Dots(pngDPI)
		py := (s.h - (l.data.Max.Y - dh*vg.Length((float64(y)+0.5)/float64(z.H)))).Dots(pngDPI)
		return color.RGBAModel.Convert(img.At(int(px), int(py))).(color.RGBA)
	}
	counts, days := beforeCounts(r)
	top := slices.Index(counts, slices.Max(counts))
	bar := s.mapFig.bar
	want := color.RGBA(seqRamp.at(bar.pos(float64(counts[top]) / float64(days))))
	if got := at(top%z.W, top/z.W); got != want {
		t.Errorf("the densest cell (%d, %d) with %d drops is %v in the PNG, want %v", top%z.W, top/z.W, counts[top], got, want)
	}
	// A water cell (no drop can be on water) and an empty land cell, away
	// from the outlines of the treatment area and the buffer.
	water, land := -1, -1
	for y := 2; y < z.H-2; y++ {
		for x := 2; x < z.W-2; x++ {
			i := y*z.W + x
			clear := true
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					zn := z.At(x+dx, y+dy)
					clear = clear && zn != sim.ZoneTreatment && zn != sim.ZoneBuffer
				}
			}
			switch {
			case !clear || counts[i] > 0:
			case r.Land[i] == grid.Water && water < 0:
				water = i
			case r.Land[i] != grid.Water && land < 0:
				land = i
			}
		}
	}
	// The treatment area's outline runs along the north edge of its cells
	// (drawn black over a white halo).
	tr := z.TreatmentRect
	mx := (l.data.Min.X + dw*vg.Length(float64(tr[0]+tr[2]+1)/2/float64(z.W))).Dots(pngDPI)
	my := (s.h - (l.data.Max.Y - dh*vg.Length(float64(tr[1])/float64(z.H)))).Dots(pngDPI)
	if c := color.RGBAModel.Convert(img.At(int(mx), int(my))).(color.RGBA); c.R > 60 || c.G > 60 || c.B > 60 {
		t.Errorf("the north edge of the treatment area, (%d, %d) in the PNG, is %v, not the black outline", int(mx), int(my), c)
	}
	if water < 0 || land < 0 {
		t.Fatal("no water cell or no empty land cell to sample")
	}
	if got, want := at(water%z.W, water/z.W), color.RGBA(landColors[grid.Water]); got != want {
		t.Errorf("water cell (%d, %d) is %v in the PNG, want the water colour %v", water%z.W, water/z.W, got, want)
	}
	if got, want := at(land%z.W, land/z.W), color.RGBA(landColors[r.Land[land]]); got != want {
		t.Errorf("empty %v cell (%d, %d) is %v in the PNG, want its land-use colour %v", r.Land[land], land%z.W, land/z.W, got, want)
	}
}

func TestChangeValues(t *testing.T) {
	d := changeValues([]float64{0, 1, 0, 2}, []float64{0, 0, 3, 2})
	if !math.IsNaN(d[0]) || d[1] != -1 || d[2] != 3 || d[3] != 0 {
		t.Errorf("changeValues = %v, want [NaN -1 3 0]", d)
	}
	b := &colourBar{lo: -4, hi: 4, scale: signedSqrtScale}
	for _, c := range []struct{ v, pos float64 }{{0, 0.5}, {4, 1}, {-4, 0}, {1, 0.75}, {-1, 0.25}, {9, 1}} {
		if got := b.pos(c.v); math.Abs(got-c.pos) > 1e-12 {
			t.Errorf("signed sqrt pos(%g) = %g, want %g", c.v, got, c.pos)
		}
	}
	for _, v := range []float64{-4, -1, -0.1, 0, 0.3, 2} {
		if got := b.value(b.pos(v)); math.Abs(got-v) > 1e-12 {
			t.Errorf("signed sqrt value(pos(%g)) = %g", v, got)
		}
	}
	// Zero is the neutral middle of the diverging scale.
	mid := divRamp.at(b.pos(0))
	if mid.R < 0xF0 || mid.G < 0xF0 || mid.B < 0xF0 {
		t.Errorf("the diverging scale's 0 is %v, not a light neutral", mid)
	}
	if lo, hi := divRamp.at(0), divRamp.at(1); !(lo.B > lo.R && hi.R > hi.B) {
		t.Errorf("the diverging scale runs from %v to %v, want blue (a loss) to red (a gain)", lo, hi)
	}
}

func TestTicks(t *testing.T) {
	got := func(ts []plot.Tick) string {
		var s []string
		for _, t := range ts {
			s = append(s, t.Label)
		}
		return strings.Join(s, " ")
	}
	for _, c := range []struct {
		name string
		ts   []plot.Tick
		want string
	}{
		{"log", logTicks(1.0/60, 1.3), "0.02 0.05 0.1 0.2 0.5 1"},
		{"log wide", logTicks(0.001, 100), "0.001 0.01 0.1 1 10 100"},
		{"days 180", dayTicks{}.Ticks(0, 180), "0 30 60 90 120 150 180"},
		{"days 60", dayTicks{}.Ticks(0, 60), "0 10 20 30 40 50 60"},
		{"km", niceTicks{}.Ticks(0, 10), "0 2 4 6 8 10"},
		{"km zoom", niceTicks{}.Ticks(2.6, 7.9), "3 4 5 6 7"},
		{"sqrt", signedSqrtTicks(1), "0 1 -1 0.2 -0.2 0.05 -0.05"},
	} {
		if g := got(c.ts); g != c.want {
			t.Errorf("%s ticks %q, want %q", c.name, g, c.want)
		}
	}
}

func TestWeeks(t *testing.T) {
	for _, c := range []struct {
		days, anchor int
		want         [][2]int
	}{
		{21, 0, [][2]int{{0, 7}, {7, 14}, {14, 21}}},
		{23, 0, [][2]int{{0, 7}, {7, 14}, {14, 23}}},                      // 2 days left join the last week
		{25, 0, [][2]int{{0, 7}, {7, 14}, {14, 21}, {21, 25}}},            // 4 days stay a bin
		{30, 9, [][2]int{{0, 9}, {9, 16}, {16, 23}, {23, 30}}},            // 2 days before the anchor join the next bin
		{30, 12, [][2]int{{0, 5}, {5, 12}, {12, 19}, {19, 26}, {26, 30}}}, // 5 and 4 days at the ends stay bins
		{60, 20, [][2]int{{0, 6}, {6, 13}, {13, 20}, {20, 27}, {27, 34}, {34, 41}, {41, 48}, {48, 55}, {55, 60}}},
		{5, 0, [][2]int{{0, 5}}},
		{3, 0, [][2]int{{0, 3}}},
	} {
		if got := weeks(c.days, c.anchor); !slices.Equal(got, c.want) {
			t.Errorf("weeks(%d, %d) = %v, want %v", c.days, c.anchor, got, c.want)
		}
	}
}

// TestWeeklyArrests compares the weekly arrest counts of the test run with
// a golden file; go test -run WeeklyArrests -update rewrites it.
func TestWeeklyArrests(t *testing.T) {
	r := testRun(t)
	bins := weeks(r.Params.Days, r.Zones.SplitDay)
	counts := weeklyArrests(r, bins)
	var b strings.Builder
	fmt.Fprintf(&b, "# arrests by week (days [a, b)) and role, test run\nweek\t%s\n", strings.Join(sim.RoleNames(), "\t"))
	total := 0
	for i, w := range bins {
		fmt.Fprintf(&b, "%d-%d", w[0], w[1])
		for _, n := range counts[i] {
			fmt.Fprintf(&b, "\t%d", n)
			total += n
		}
		b.WriteByte('\n')
	}
	if total != len(r.Tables.Arrests) {
		t.Errorf("the weeks hold %d arrests, the run has %d", total, len(r.Tables.Arrests))
	}
	golden := filepath.Join("testdata", "arrests_weekly.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run WeeklyArrests -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("weekly arrests:\n%s\nwant (%s):\n%s", b.String(), golden, want)
	}
}

func TestMovingAverage(t *testing.T) {
	nan := math.NaN()
	ys := []float64{7, 7, 7, 7, 0, 0, 0, 0, 0, 0, nan, 0}
	got := movingAverage(ys, []int{0, 4, 12})
	// The first stretch, days 0-3, averages only itself; the second starts
	// at day 4 and skips the undefined day 10.
	want := []float64{7, 7, 7, 7, 0, 0, 0, 0, 0, 0, 0, 0}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("movingAverage = %v, want %v", got, want)
		}
	}
	got = movingAverage([]float64{1, 2, 3, 4, 5, 6, 7, 8}, []int{0, 8})
	if got[3] != 4 || got[0] != 2.5 || got[7] != 6.5 {
		t.Errorf("movingAverage of 1..8 = %v", got)
	}
}

func TestBoundary(t *testing.T) {
	// A rectangle and an L-shaped region apart from it.
	const w, h = 12, 10
	in := func(x, y int) bool {
		return (x >= 1 && x <= 3 && y >= 1 && y <= 2) || (x >= 6 && x <= 9 && y >= 4 && y <= 8 && !(x >= 8 && y <= 6))
	}
	lines := boundary(w, h, in)
	if len(lines) != 2 {
		t.Fatalf("%d outlines, want 2", len(lines))
	}
	// Every outline is closed, runs along cell edges, and together they
	// are as long as the cell edges between inside and outside.
	length := 0.0
	for _, l := range lines {
		if l[0] != l[len(l)-1] {
			t.Errorf("outline %v is not closed", l)
		}
		for i := 1; i < len(l); i++ {
			dx, dy := l[i][0]-l[i-1][0], l[i][1]-l[i-1][1]
			if dx != 0 && dy != 0 {
				t.Errorf("outline step %v -> %v is not along a cell edge", l[i-1], l[i])
			}
			length += math.Abs(dx) + math.Abs(dy)
		}
	}
	edges := 0
	inside := func(x, y int) bool { return x >= 0 && y >= 0 && x < w && y < h && in(x, y) }
	for y := -1; y <= h; y++ {
		for x := -1; x <= w; x++ {
			if inside(x, y) != inside(x+1, y) {
				edges++
			}
			if inside(x, y) != inside(x, y+1) {
				edges++
			}
		}
	}
	if int(length) != edges {
		t.Errorf("outlines are %g cells long, want %d", length, edges)
	}
	// The rectangle's outline has its 4 corners (and its start again).
	rect := boundary(w, h, func(x, y int) bool { return x >= 1 && x <= 3 && y >= 1 && y <= 2 })
	if len(rect) != 1 || len(rect[0]) != 5 {
		t.Errorf("rectangle outline %v, want 4 corners", rect)
	}
}

func TestFiguresEmptyRun(t *testing.T) {
	// A run without drops, arrests or daily rows still gets its figures.
	r := *testRun(t)
	r.Tables = metrics.Tables{}
	r.Daily = nil
	r.Summary = metrics.Summarise(&r.Params, r.Zones, 100, nil, nil)
	figs, err := Figures(context.Background(), &r, Formats)
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 8 {
		t.Errorf("%d figures, want 8", len(figs))
	}
}

func BenchmarkFigures(b *testing.B) {
	for _, c := range []struct {
		name string
		run  func(testing.TB) *Run
	}{{"test", func(tb testing.TB) *Run { return testRun(tb) }}, {"default", defaultSizeRun}} {
		r := c.run(b)
		b.Run(c.name, func(b *testing.B) {
			drops := len(r.Tables.Drops)
			for b.Loop() {
				if _, err := Figures(context.Background(), r, Formats); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(drops), "drops")
		})
	}
}

// TestFiguresCancel cancels the context from within the first figure drawn
// (of 7 figures in 3 formats, 21 drawings, by 2 workers): the figures stop
// with context.Canceled, after at most the 2 drawings under way then.
func TestFiguresCancel(t *testing.T) {
	specs, err := figureSpecs(testRun(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var drawn atomic.Int32
	for _, s := range specs {
		orig := s.draw
		s.draw = func(c draw.Canvas) {
			drawn.Add(1)
			cancel()
			orig(c)
		}
	}
	const workers = 2
	want := map[string]bool{"png": true, "svg": true, "pdf": true}
	figs, err := renderFigures(ctx, specs, want, workers)
	if !errors.Is(err, context.Canceled) || figs != nil {
		t.Fatalf("got %d figures and %v, want none and context.Canceled", len(figs), err)
	}
	if n, all := int(drawn.Load()), 3*len(specs); n > workers || n >= all {
		t.Errorf("%d drawings of %d begun, want at most %d", n, all, workers)
	}

	if _, err := Figures(ctx, testRun(t), Formats); !errors.Is(err, context.Canceled) {
		t.Errorf("Figures with a cancelled context: %v, want context.Canceled", err)
	}
}

// TestControlOutline: the maps outline a matched control area along the
// edges between its cells and the others (counted here cell by cell), and
// name its size in the legend; the rest of the city is not outlined.
func TestControlOutline(t *testing.T) {
	// On the 60 x 60 test city no cell of the district's land uses lies
	// beyond 2 km of rings (the control falls back to the rest of the
	// city); with one ring of 5 cells there is a matched control.
	r := variantRun(t, func(p *sim.Params) { p.Zones.Rings = 1 })
	z := r.Zones
	if z.Match == nil || z.Cells[sim.ZoneControl] == 0 {
		t.Fatalf("the test run has no matched control: %q", z.Control)
	}
	f := &figs{r: r, z: z, days: r.Params.Days, km: 1} // lines in cells
	p := plot.New()
	leg := &legend{}
	f.outlines(p, leg)
	var ctl *polylines
	for _, e := range leg.entries {
		if strings.HasPrefix(e.text, "control area") {
			ctl = e.thumbs[0].(*polylines)
			if want := fmt.Sprintf("control area (%d cells)", z.Cells[sim.ZoneControl]); e.text != want {
				t.Errorf("legend %q, want %q", e.text, want)
			}
		}
	}
	if ctl == nil {
		t.Fatal("no control area in the legend")
	}
	length := 0.0
	for _, l := range ctl.lines {
		for i := 1; i < len(l); i++ {
			length += math.Abs(l[i][0]-l[i-1][0]) + math.Abs(l[i][1]-l[i-1][1])
		}
	}
	in := func(x, y int) bool { return z.At(x, y) == sim.ZoneControl }
	edges := 0
	for y := -1; y <= z.H; y++ {
		for x := -1; x <= z.W; x++ {
			if in(x, y) != in(x+1, y) {
				edges++
			}
			if in(x, y) != in(x, y+1) {
				edges++
			}
		}
	}
	if int(length) != edges {
		t.Errorf("the control's outline is %g cells long, want %d", length, edges)
	}
	rest := variantRun(t, func(p *sim.Params) { p.Zones.ControlMethod = sim.ControlRest })
	leg = &legend{}
	(&figs{r: rest, z: rest.Zones, days: rest.Params.Days, km: 1}).outlines(plot.New(), leg)
	for _, e := range leg.entries {
		if strings.HasPrefix(e.text, "control area") {
			t.Errorf("the rest of the city is outlined: %q", e.text)
		}
	}
}
