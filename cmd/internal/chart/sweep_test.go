package chart

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"dropsim/sim/metrics"
	"dropsim/sim/sweep"
)

// synthSweeps are the synthetic sweeps by name, each built afresh.
var synthSweeps = map[string]func() *Sweep{
	"factorial": synthFactorial,
	"two-way":   synthTwoWay,
	"lhs":       synthLHS,
	"morris":    synthMorris,
	"rings":     synthRings,
}

var (
	sweepFigMu    sync.Mutex
	sweepFigCache = map[string][]Figure{}
)

// sweepFiguresOf draws a synthetic sweep's figures in every format, once.
// With -figdir, the figures are written there too, to look at.
func sweepFiguresOf(t testing.TB, name string) []Figure {
	t.Helper()
	sweepFigMu.Lock()
	defer sweepFigMu.Unlock()
	if f, ok := sweepFigCache[name]; ok {
		return f
	}
	figs, err := SweepFigures(context.Background(), synthSweeps[name](), Formats)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	sweepFigCache[name] = figs
	if *figDir != "" {
		for _, f := range figs {
			for format, b := range f.Data {
				if err := os.WriteFile(filepath.Join(*figDir, fmt.Sprintf("sweep-%s_%s.%s", name, f.Name, format)), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return figs
}

func TestSweepFigureNames(t *testing.T) {
	for _, c := range []struct {
		sweep string
		want  []string
	}{
		{"factorial", []string{"effects", "measure_vs_police_group_0_count", "daily_drops_placed", "daily_active_stashers", "calibration"}},
		{"two-way", []string{"effects", "measure_vs_police_group_0_count", "measure_vs_stasher_area_radius"}},
		{"lhs", []string{"effects", "measure_vs_police_group_0_count", "measure_vs_stasher_area_radius"}},
		{"morris", []string{"effects", "morris"}},
		{"rings", []string{"rings"}},
	} {
		t.Run(c.sweep, func(t *testing.T) {
			figs := sweepFiguresOf(t, c.sweep)
			drawn := names(figs)
			if got := SweepFigureNames(synthSweeps[c.sweep]()); !slices.Equal(got, drawn) {
				t.Errorf("SweepFigureNames %v, SweepFigures draws %v", got, drawn)
			}
			if !slices.Equal(drawn, c.want) {
				t.Errorf("figures %v, want %v", drawn, c.want)
			}
			for _, f := range figs {
				if f.Title == "" || f.Caption == "" {
					t.Errorf("%s: title %q, caption %q", f.Name, f.Title, f.Caption)
				}
				if strings.Contains(f.Caption, "NaN") || strings.Contains(f.Caption, "%!") || strings.Contains(f.Title, "%!") {
					t.Errorf("%s: caption %q", f.Name, f.Caption)
				}
				if f.Name != fileStem(f.Name) {
					t.Errorf("%s is not a safe file stem", f.Name)
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

// TestSweepFiguresSkipped: each figure is left out when its data is.
func TestSweepFiguresSkipped(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(s *Sweep)
		want   []string
	}{
		{"nothing", func(s *Sweep) { *s = Sweep{Arms: s.Arms} }, nil},
		{"no contrasts", func(s *Sweep) { s.Contrasts = nil }, []string{"measure_vs_police_group_0_count", "daily_drops_placed", "daily_active_stashers", "calibration"}},
		{"no summary", func(s *Sweep) { s.Summary = nil }, []string{"effects", "daily_drops_placed", "daily_active_stashers", "calibration"}},
		{"no daily rows", func(s *Sweep) { s.Daily = nil }, []string{"effects", "measure_vs_police_group_0_count", "calibration"}},
		{"no calibration", func(s *Sweep) { s.Calibration = nil }, []string{"effects", "measure_vs_police_group_0_count", "daily_drops_placed", "daily_active_stashers"}},
		{"measures without rows", func(s *Sweep) { s.Measures = []string{"not_a_measure"} }, []string{"daily_drops_placed", "daily_active_stashers", "calibration"}},
		{"one point", func(s *Sweep) {
			s.Points = s.Points[:1]
			s.Parameters[0].Values = s.Parameters[0].Values[:1]
		}, []string{"effects", "daily_drops_placed", "daily_active_stashers", "calibration"}},
		{"a string parameter", func(s *Sweep) {
			for i := range s.Points {
				s.Points[i].Levels[0] = sweep.Level{Text: strconv.Quote([]string{"area", "random", "hotspot"}[i])}
			}
		}, []string{"effects", "daily_drops_placed", "daily_active_stashers", "calibration"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := synthFactorial()
			s.Parameters = slices.Clone(s.Parameters)
			c.change(s)
			figs, err := SweepFigures(context.Background(), s, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(figs); !slices.Equal(got, c.want) || !slices.Equal(SweepFigureNames(s), c.want) {
				t.Errorf("figures %v, names %v, want %v", got, SweepFigureNames(s), c.want)
			}
		})
	}
}

func TestSweepFigurePNG(t *testing.T) {
	for name := range synthSweeps {
		for _, f := range sweepFiguresOf(t, name) {
			img, err := png.Decode(bytes.NewReader(f.Data["png"]))
			if err != nil {
				t.Fatalf("%s %s: %v", name, f.Name, err)
			}
			b := img.Bounds()
			if b.Dx() != 1512 || b.Dy() < 500 || b.Dy() > pixels(sweepMaxH)+2 {
				t.Errorf("%s %s: %d x %d pixels", name, f.Name, b.Dx(), b.Dy())
			}
			colours := map[color.RGBA]bool{}
			for y := b.Min.Y; y < b.Max.Y; y += 3 {
				for x := b.Min.X; x < b.Max.X; x += 3 {
					colours[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)] = true
				}
			}
			if len(colours) < 20 {
				t.Errorf("%s %s: only %d colours", name, f.Name, len(colours))
			}
		}
	}
}

// sweepLabels are texts some sweep figures must show.
var sweepLabels = map[string][]string{
	"factorial/effects":                         {"drops_placed.wdd", "arrests.wdd", "arm minus none", "count=10", "count=40", "crackdown", "patrol", "unpaired (Welch) 95% interval", "n/a (20 undefined)", "n=1, no interval"},
	"factorial/measure_vs_police_group_0_count": {"police.group[0].count", "mean over replicates", "none", "crackdown", "95% interval of the mean"},
	"factorial/daily_drops_placed":              {"day of the run", "count=20", "none", "patrol"},
	"factorial/calibration":                     {"drops_placed", "seizures", "arrests", "6 of 20", "n/a (no defined z)", "5%: what a calibrated test gives"},
	"two-way/measure_vs_stasher_area_radius":    {"stasher.area_radius", "Line: count", "count=10", "count=40"},
	"morris/effects":                            {"point 0", "point 7"},
	"rings/rings":                               {"distance from the treatment area, outer edge of the ring (m)", "change relative to beyond the rings (%)", "500", "2000", "none", "crackdown", "95% interval of the mean", "0: the same change as beyond the rings"},
	"morris/morris":                             {"mu* (mean |elementary effect|)", "group[0].count", "buyers.count", "area_radius", "sigma = mu*", "sigma undefined (one effect), drawn at 0"},
}

func TestSweepFigureSVG(t *testing.T) {
	for name := range synthSweeps {
		for _, f := range sweepFiguresOf(t, name) {
			text := svgText(t, f.Name, f.Data["svg"])
			for _, want := range append([]string{f.Title}, sweepLabels[name+"/"+f.Name]...) {
				if !strings.Contains(text, want) {
					t.Errorf("%s %s: SVG has no text %q", name, f.Name, want)
				}
			}
		}
	}
	// Every label listed belongs to a figure that is drawn.
	for key := range sweepLabels {
		name, fig, _ := strings.Cut(key, "/")
		if !slices.Contains(names(sweepFiguresOf(t, name)), fig) {
			t.Errorf("labels for %s, which is not drawn", key)
		}
	}
}

func TestSweepFigurePDF(t *testing.T) {
	for name := range synthSweeps {
		for _, f := range sweepFiguresOf(t, name) {
			b := f.Data["pdf"]
			if !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Fatalf("%s %s: not a PDF", name, f.Name)
			}
			if n := bytes.Count(b, []byte("/Type /Page\n")); n != 1 {
				t.Errorf("%s %s: %d pages", name, f.Name, n)
			}
			checkXref(t, f.Name, b)
			texts := pdfTexts(t, f.Name, b)
			if all := strings.Join(texts, "\n"); !strings.Contains(all, f.Title) {
				t.Errorf("%s %s: the PDF does not show its title", name, f.Name)
			}
			for _, s := range texts {
				if strings.IndexFunc(s, func(r rune) bool { return r >= 0x80 }) >= 0 {
					t.Errorf("%s %s: text %q is not ASCII, which the PDF would garble", name, f.Name, s)
				}
			}
		}
	}
}

func TestSweepFiguresDeterministic(t *testing.T) {
	for name := range synthSweeps {
		a := sweepFiguresOf(t, name)
		b, err := SweepFigures(context.Background(), synthSweeps[name](), Formats)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != len(b) {
			t.Fatalf("%s: %d then %d figures", name, len(a), len(b))
		}
		for i := range a {
			for _, format := range Formats {
				if !bytes.Equal(a[i].Data[format], b[i].Data[format]) {
					t.Errorf("%s: %s.%s differs between two draws", name, a[i].Name, format)
				}
			}
			if a[i].Caption != b[i].Caption || a[i].Title != b[i].Title {
				t.Errorf("%s: %s's text differs between two draws", name, a[i].Name)
			}
		}
	}
}

// colourRuns finds, in the row of img with the most pixels of colour c
// (within 2 per channel), the leftmost and rightmost such pixel.
func colourRuns(img image.Image, c color.NRGBA) (row, x0, x1, n int) {
	b := img.Bounds()
	near := func(u, v uint8) bool { return u-v <= 2 || v-u <= 2 }
	x0, x1 = -1, -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		cnt, lo, hi := 0, -1, -1
		for x := b.Min.X; x < b.Max.X; x++ {
			p := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if near(p.R, c.R) && near(p.G, c.G) && near(p.B, c.B) {
				if lo < 0 {
					lo = x
				}
				hi = x
				cnt++
			}
		}
		if cnt > n {
			row, x0, x1, n = y, lo, hi, cnt
		}
	}
	return
}

// TestSweepEffectsWhiskers reads an effects figure's pixels: one arm at
// one point, whose paired interval [-3, 1] is a quarter as wide as its
// unpaired [-9, 7], must give a thick line in the arm's colour a quarter
// as long as the thin pale one, both about the mean -1, the paired one
// crossing the zero line three times as far to its left as to its right.
func TestSweepEffectsWhiskers(t *testing.T) {
	s := &Sweep{Arms: []string{"none", "crackdown"}, Baseline: "none", Measures: []string{"drops"},
		Points: []sweep.Point{{ID: 0, Trajectory: -1}}, Replicates: 20,
		Contrasts: []metrics.ContrastRow{{Arm: "crackdown", Measure: "drops",
			Paired: synthInterval(20, -1, -3, 1), Unpaired: synthInterval(20, -1, -9, 7), WidthRatio: 0.25, HasRatio: true}}}
	figs, err := SweepFigures(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 1 || figs[0].Name != "effects" {
		t.Fatalf("figures %v, want effects", names(figs))
	}
	img, err := png.Decode(bytes.NewReader(figs[0].Data["png"]))
	if err != nil {
		t.Fatal(err)
	}
	pl, _ := newSweepPlan(s)
	col := pl.armColour("crackdown")
	pRow, p0, p1, pn := colourRuns(img, col)
	uRow, u0, u1, un := colourRuns(img, tint(col, 0.45))
	zRow, z0, z1, _ := colourRuns(rotate(img), midGrey) // the zero line, a column of the image
	t.Logf("paired row %d x %d..%d (%d px), unpaired row %d x %d..%d (%d px), zero line at x %d..%d (row %d of the rotated image)",
		pRow, p0, p1, pn, uRow, u0, u1, un, z0, z1, zRow)
	if pn < 50 || un < 50 {
		t.Fatalf("paired whisker %d px, unpaired %d px: a whisker is missing", pn, un)
	}
	if uRow <= pRow {
		t.Errorf("the unpaired whisker (row %d) is not below the paired one (row %d)", uRow, pRow)
	}
	pw, uw := float64(p1-p0), float64(u1-u0)
	if r := pw / uw; math.Abs(r-0.25) > 0.02 {
		t.Errorf("paired whisker %v px long, unpaired %v: ratio %.3f, want 0.25", pw, uw, r)
	}
	if pc, uc := float64(p0+p1)/2, float64(u0+u1)/2; math.Abs(pc-uc) > 3 {
		t.Errorf("the whiskers are centred at x %v and %v, want both at the mean", pc, uc)
	}
	zx := float64(zRow) // the rotated image's row is the original's column
	if left, right := zx-float64(p0), float64(p1)-zx; right <= 0 || math.Abs(left/right-3) > 0.15 {
		t.Errorf("the paired whisker spans %v px left and %v px right of zero, want 3 to 1 ([-3, 1])", left, right)
	}
}

// rotate turns an image a quarter turn, so that its columns are rows.
func rotate(img image.Image) image.Image {
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.Set(y-b.Min.Y, x-b.Min.X, img.At(x, y))
		}
	}
	return out
}

// TestSweepEffectsLimits: at most 12 measures and 12 design points are
// drawn, and the caption and the report say so.
func TestSweepEffectsLimits(t *testing.T) {
	s := &Sweep{Name: "big", Arms: []string{"none", "a"}, Baseline: "none", Replicates: 3, Tables: []string{"contrasts.csv"},
		Parameters: []sweep.Parameter{{Key: "x", Min: 0, Max: 1}}}
	for i := range 20 {
		s.Points = append(s.Points, sweep.Point{ID: i, Levels: []sweep.Level{sweep.NumLevel(float64(i)/19, false)}, Trajectory: -1})
	}
	for m := range 15 {
		s.Measures = append(s.Measures, fmt.Sprintf("m%02d", m))
		for i := range 20 {
			s.Contrasts = append(s.Contrasts, metrics.ContrastRow{Arm: "a", Point: i, Measure: s.Measures[m],
				Paired: synthInterval(3, 1, 0, 2), Unpaired: synthInterval(3, 1, -1, 3), WidthRatio: 0.5, HasRatio: true})
		}
	}
	figs, err := SweepFigures(context.Background(), s, []string{"svg"})
	if err != nil {
		t.Fatal(err)
	}
	f := figs[0]
	for _, want := range []string{"The first 12 of the 15 measures are drawn.", "The first 12 of the 20 design points are drawn.", "contrasts.csv"} {
		if !strings.Contains(f.Caption, want) {
			t.Errorf("the caption lacks %q: %s", want, f.Caption)
		}
	}
	text := svgText(t, f.Name, f.Data["svg"])
	if !strings.Contains(text, "m11") || strings.Contains(text, "m12") {
		t.Error("the effects figure does not draw exactly the first 12 measures")
	}
	doc, err := SweepReport(s, figs)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(doc), `data-m="effect.a.`); n != 12*12*4 {
		t.Errorf("%d effect cells, want 12 measures x 12 points x 4 cells", n)
	}
	if !strings.Contains(string(doc), "The table shows the first 12 of the 15 measures and the first 12 of the 20 design points.") {
		t.Error("the report does not say which effects it leaves out")
	}
}

func TestSweepFiguresErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := SweepFigures(ctx, nil, nil); err == nil {
		t.Error("SweepFigures accepted a nil sweep")
	}
	if _, err := SweepFigures(ctx, synthFactorial(), []string{"gif"}); err == nil {
		t.Error("SweepFigures accepted the format gif")
	}
	bad := synthFactorial()
	bad.Points[1].Levels = nil
	if _, err := SweepFigures(ctx, bad, nil); err == nil {
		t.Error("SweepFigures accepted a design point without its levels")
	}
	if SweepFigureNames(nil) != nil || SweepFigureNames(bad) != nil {
		t.Error("SweepFigureNames named figures of a sweep that cannot be drawn")
	}
	if _, err := SweepReport(nil, nil); err == nil {
		t.Error("SweepReport accepted a nil sweep")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := SweepFigures(cancelled, synthFactorial(), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("SweepFigures with a cancelled context: %v", err)
	}
}

func TestSweepHelpers(t *testing.T) {
	for in, want := range map[string]string{"police.group[1].count": "police_group_1_count", "Drops / day": "drops_day", "__": "x", "a..b": "a_b"} {
		if got := fileStem(in); got != want {
			t.Errorf("fileStem(%q) = %q, want %q", in, got, want)
		}
	}
	keys := shortKeys([]sweep.Parameter{{Key: "police.group[0].count"}, {Key: "buyers.count"}, {Key: "stasher.area_radius"}, {Key: "count"}})
	if want := []string{"group[0].count", "buyers.count", "area_radius", "count"}; !slices.Equal(keys, want) {
		t.Errorf("shortKeys: %q, want %q", keys, want)
	}
	for _, c := range []struct {
		l    sweep.Level
		want string
	}{{sweep.NumLevel(7.000000000000001, false), "7"}, {sweep.NumLevel(40, true), "40"}, {sweep.Level{Text: `"random"`}, "random"}, {sweep.Level{Text: "true"}, "true"}} {
		if got := levelText(c.l); got != c.want {
			t.Errorf("levelText(%+v) = %q, want %q", c.l, got, c.want)
		}
	}
	if got := figText("облава – μ*"); got != "?????? - mu*" {
		t.Errorf("figText: %q", got)
	}
}

// sweepCellText is the text of the report's cell with data-m="key", unescaped.
func sweepCellText(t *testing.T, doc, key string) string {
	t.Helper()
	m := regexp.MustCompile(`<td class="num[^"]*" data-m="` + regexp.QuoteMeta(html.EscapeString(key)) + `">(.*?)</td>`).FindStringSubmatch(doc)
	if m == nil {
		t.Fatalf("no table cell %q", key)
	}
	return html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m[1], ""))
}

func sweepReportOf(t *testing.T, name string) (string, []Figure) {
	t.Helper()
	figs := sweepFiguresOf(t, name)
	b, err := SweepReport(synthSweeps[name](), figs)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), figs
}

func TestSweepReportContent(t *testing.T) {
	doc, figs := sweepReportOf(t, "factorial")
	plain := html.UnescapeString(doc)
	s := synthFactorial()

	for _, f := range figs {
		if !strings.Contains(doc, "<h3>"+html.EscapeString(f.Title)+"</h3>") {
			t.Errorf("figure title %q is missing", f.Title)
		}
	}
	if n := len(reportImgTag.FindAllString(doc, -1)); n != len(figs) {
		t.Errorf("%d <img> tags, want %d", n, len(figs))
	}
	if n := strings.Count(doc, `src="data:image/png;base64,`); n != len(figs) {
		t.Errorf("%d embedded PNGs, want %d", n, len(figs))
	}
	if reportHasNaN(doc) {
		t.Error("the report holds NaN or Inf")
	}
	if strings.Contains(doc, "ZgotmplZ") {
		t.Error("html/template rejected a value (ZgotmplZ)")
	}
	for _, bad := range []string{`src="http`, `href="http`, `src="//`, `<link`, `@import`, `url(`} {
		if strings.Contains(doc, bad) {
			t.Errorf("the report refers to an external resource: %q", bad)
		}
	}
	for _, want := range []string{s.Name, s.Description, s.File, "dropsim version test",
		"<pre class=\"command\"><code>" + s.Command + "</code></pre>",
		"none (baseline), crackdown, patrol",
		"3 design points: every combination of the parameters' levels (a full factorial design)",
		"20 per arm and design point",
		"180 runs, of which 1 failed", "1 of the 180 runs failed.",
		"<td><code>police.group[0].count</code></td><td>count</td><td>10, 20, 40</td><td>crackdown</td>",
		"A calibrated single-run test would exceed 1.96 in about 5% of baseline replicates. A higher rate means single-run z values overstate significance",
		"only the replicate intervals above should be trusted",
		"data-images-ok", "naturalWidth",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	for _, f := range s.Tables {
		if !strings.Contains(doc, fmt.Sprintf(`<li><a href="%s">%s</a></li>`, f, f)) {
			t.Errorf("no link to %s", f)
		}
	}
	if strings.Contains(doc, `id="morris-table"`) {
		t.Error("a Morris table in a factorial sweep")
	}

	// The cells, worked out by hand from synthFactorial's rows.
	for key, want := range map[string]string{
		// Paired -12.5 [-15.25, -9.75] against Welch [-20, -5]: widths 5.5 and 15.
		"effect.crackdown.0.drops_placed.wdd.paired":   "-12.5 [-15.25, -9.75]",
		"effect.crackdown.0.drops_placed.wdd.unpaired": "-12.5 [-20, -5]",
		"effect.crackdown.0.drops_placed.wdd.ratio":    "0.37",
		"effect.crackdown.0.drops_placed.wdd.n":        "20",
		// The patrol's effect is 2 per point number + 1, +-2 paired, +-8 unpaired.
		"effect.patrol.0.drops_placed.wdd.paired":   "2 [0, 4]",
		"effect.patrol.1.arrests.wdd.unpaired":      "4 [-4, 12]",
		"effect.crackdown.2.arrests.wdd.paired":     "-30 [-32, -28]",
		"effect.patrol.2.drops_placed.wdq.paired":   "n/a (20 undefined)",
		"effect.patrol.2.drops_placed.wdq.unpaired": "n/a (20 undefined)",
		"effect.patrol.2.drops_placed.wdq.ratio":    "n/a",
		"effect.patrol.2.drops_placed.wdq.n":        "0 (20 undefined)",
		"effect.patrol.1.drops_placed.wdq.paired":   "0.75 [n/a]",
		"effect.patrol.1.drops_placed.wdq.n":        "1 (19 undefined)",
		// 6 of 20: 30%, Wilson [14.5%, 51.9%]; 1 of 20: 5%, [0.9%, 23.6%].
		"calibration.drops_placed.0": "30.0% [14.5%, 51.9%]",
		"calibration.seizures.0":     "5.0% [0.9%, 23.6%]",
		"calibration.arrests.0":      "n/a (no replicate with a defined z)",
	} {
		if got := sweepCellText(t, doc, key); got != want {
			t.Errorf("%s: %q, want %q", key, got, want)
		}
	}
	// Intervals that exclude 0 are bold, others not.
	if !strings.Contains(doc, "<strong>-12.5 [-15.25, -9.75]</strong>") || strings.Contains(doc, "<strong>2 [0, 4]</strong>") {
		t.Error("the bold intervals are not those that exclude 0")
	}
	// The rows come by measure, then point, then arm.
	order := regexp.MustCompile(`data-m="(effect\.[^"]*)\.paired"`).FindAllStringSubmatch(doc, -1)
	if len(order) != 18 || order[0][1] != "effect.crackdown.0.drops_placed.wdd" || order[1][1] != "effect.patrol.0.drops_placed.wdd" ||
		order[2][1] != "effect.crackdown.1.drops_placed.wdd" || order[17][1] != "effect.patrol.2.arrests.wdd" {
		t.Errorf("the effects table's rows: %v", order)
	}
	if !strings.Contains(doc, `<tr class="high"><td>drops_placed</td>`) || !strings.Contains(plain, "too many: a single run's z overstates significance") {
		t.Error("the miscalibrated series is not flagged")
	}
}

func TestSweepReportMorris(t *testing.T) {
	doc, _ := sweepReportOf(t, "morris")
	plain := html.UnescapeString(doc)
	for key, want := range map[string]string{
		"morris.crackdown.drops_placed.wdd.police.group[0].count.mustar": "42.5",
		"morris.crackdown.drops_placed.wdd.police.group[0].count.mu":     "-42.5",
		"morris.crackdown.drops_placed.wdd.stasher.area_radius.sigma":    "24.5",
		"morris.crackdown.drops_placed.wdd.stasher.area_radius.ratio":    "1.36", // 24.5 / 18
		"morris.crackdown.drops_placed.wdd.buyers.count.ratio":           "0.70", // 1.75 / 2.5
		"morris.crackdown.drops_placed.wdq.stasher.area_radius.sigma":    "n/a (1 effect)",
		"morris.crackdown.drops_placed.wdq.stasher.area_radius.ratio":    "n/a",
	} {
		if got := sweepCellText(t, doc, key); got != want {
			t.Errorf("%s: %q, want %q", key, got, want)
		}
	}
	// Most important first, within each measure.
	rows := regexp.MustCompile(`data-m="morris\.crackdown\.([^"]*)\.mustar"`).FindAllStringSubmatch(doc, -1)
	var got []string
	for _, r := range rows {
		got = append(got, r[1])
	}
	want := []string{"drops_placed.wdd.police.group[0].count", "drops_placed.wdd.stasher.area_radius", "drops_placed.wdd.buyers.count",
		"drops_placed.wdq.police.group[0].count", "drops_placed.wdq.stasher.area_radius", "drops_placed.wdq.buyers.count"}
	if !slices.Equal(got, want) {
		t.Errorf("Morris rows %v, want %v", got, want)
	}
	for _, want := range []string{"Morris screening: 2 trajectories of 4 points each, 8 design points in all",
		"<th>Moved</th>", "<td>area_radius</td>", "Campolongo"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// The long levels of a Morris point give way to its number.
	if got := sweepCellText(t, doc, "effect.crackdown.3.drops_placed.wdd.paired"); got != "-40 [-42, -38]" {
		t.Errorf("point 3's effect: %q", got)
	}
	if !strings.Contains(doc, `<td class="pt">3</td>`) {
		t.Error("the effects table does not name Morris points by their number")
	}
	if reportHasNaN(doc) {
		t.Error("the report holds NaN or Inf")
	}
}

func TestSweepReportNoBaseline(t *testing.T) {
	s := synthFactorial()
	s.Baseline, s.Contrasts, s.Calibration = "", nil, nil
	doc, err := SweepReport(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "no baseline arm") || strings.Contains(string(doc), `id="effects-table"`) || strings.Contains(string(doc), `id="calibration-table"`) {
		t.Error("without a baseline the report should say so and have no effects or calibration table")
	}
	if !strings.Contains(string(doc), "No figures were drawn") {
		t.Error("the report without figures does not say so")
	}
}

// TestSweepReportInBrowser renders the sweep report in headless chromium,
// as TestReportInBrowser does the run report: the screenshot must not be
// blank, and every image must decode.
func TestSweepReportInBrowser(t *testing.T) {
	bin := findBrowser(t)
	doc, figs := sweepReportOf(t, "factorial")
	dir := t.TempDir()
	if keep := os.Getenv("DROPSIM_KEEP_REPORT"); keep != "" {
		dir = keep
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	page := filepath.Join(dir, "sweep_report.html")
	if err := os.WriteFile(page, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	checkScreenshot(t, bin, page, filepath.Join(dir, "sweep_screenshot.png"))

	dom := string(runBrowser(t, bin, page, "--dump-dom"))
	m := regexp.MustCompile(`<body[^>]*\sdata-images-ok="(\d+)"[^>]*>`).FindStringSubmatch(dom)
	n := regexp.MustCompile(`<body[^>]*\sdata-images-total="(\d+)"[^>]*>`).FindStringSubmatch(dom)
	if m == nil || n == nil {
		t.Fatalf("the body has no data-images-ok and data-images-total: did the load script run? DOM starts:\n%s", headOf(dom, 2000))
	}
	ok, _ := strconv.Atoi(m[1])
	tot, _ := strconv.Atoi(n[1])
	if ok != tot || tot != len(figs) {
		t.Errorf("%d of %d images decoded, want all of %d figures", ok, tot, len(figs))
	}
	for _, want := range []string{`id="effects-table"`, `id="calibration-table"`, "Placebo calibration", "-12.5 [-15.25, -9.75]", "30.0% [14.5%, 51.9%]"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
}

// TestSweepNonFinite gives the figures and the report rows whose values
// are NaN or infinite though marked defined: nothing is drawn for them,
// and no NaN or Inf is written.
func TestSweepNonFinite(t *testing.T) {
	s := synthFactorial()
	bad := func(iv *metrics.Interval, k int) {
		switch k % 3 {
		case 0:
			iv.Mean = math.NaN()
		case 1:
			iv.Lo = math.Inf(-1)
		case 2:
			iv.Hi = math.NaN()
		}
	}
	for i := range s.Summary {
		bad(&s.Summary[i].Interval, i)
	}
	for i := range s.Contrasts {
		bad(&s.Contrasts[i].Paired, i)
		bad(&s.Contrasts[i].Unpaired, i+1)
		s.Contrasts[i].WidthRatio = math.Inf(1)
	}
	for i := range s.Daily {
		bad(&s.Daily[i].Interval, i)
	}
	s.Calibration[0].Rate = math.NaN()
	figs, err := SweepFigures(context.Background(), s, []string{"svg"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range figs {
		if bytes.Contains(f.Data["svg"], []byte("NaN")) || bytes.Contains(f.Data["svg"], []byte("Inf")) {
			t.Errorf("%s: the SVG holds NaN or Inf", f.Name)
		}
	}
	doc, err := SweepReport(s, figs)
	if err != nil {
		t.Fatal(err)
	}
	if reportHasNaN(string(doc)) {
		t.Error("the report holds NaN or Inf")
	}
}

// sweepSpec builds the figure name of s, failing when s has no such figure.
func sweepSpec(t *testing.T, s *Sweep, name string) *figSpec {
	t.Helper()
	pl, err := newSweepPlan(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range pl.figs {
		if f.name == name {
			if spec := f.build(name); spec != nil {
				return spec
			}
			t.Fatalf("the figure %s has nothing to draw", name)
		}
	}
	t.Fatalf("no figure %s among %v", name, SweepFigureNames(s))
	return nil
}

// ringWant is a ring's point of the rings figure, worked out by hand.
type ringWant struct {
	ring            int
	x, mean, lo, hi float64
	hasCI           bool
	arm             string
	point, n        int
}

// checkRings compares the rings figure's curves with the points wanted,
// in order (by point, then arm, then ring).
func checkRings(t *testing.T, curves []ringCurve, want []ringWant) {
	t.Helper()
	var got []ringWant
	for _, c := range curves {
		for _, r := range c.rings {
			got = append(got, ringWant{r.ring, r.x, r.mean, r.lo, r.hi, r.hasCI, c.arm, c.point, r.n})
		}
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		g, w := got[i], want[i]
		ok = g.ring == w.ring && g.arm == w.arm && g.point == w.point && g.n == w.n && g.hasCI == w.hasCI &&
			near(g.x, w.x) && near(g.mean, w.mean) && (!w.hasCI || near(g.lo, w.lo) && near(g.hi, w.hi))
	}
	if !ok {
		t.Errorf("the rings figure draws\n%v\nwant\n%v", got, want)
	}
}

// TestSweepRings: the rings figure draws, for each arm, the mean change of
// drops placed in each ring and its interval from the summary, in percent,
// at the rings' outer edges (5 cells of 100 m: 500, 1000, 1500 and 2000
// m), and nothing of the rings beyond the fourth, undefined in every run.
func TestSweepRings(t *testing.T) {
	spec := sweepSpec(t, synthRings(), "rings")
	checkRings(t, spec.rings, []ringWant{
		{1, 500, 2, -2, 6, true, "none", 0, 20},
		{2, 1000, -1, -5, 3, true, "none", 0, 20},
		{3, 1500, -3, -6, 0, true, "none", 0, 20},
		{4, 2000, -2.5, -5, 0, true, "none", 0, 20},
		{1, 500, -36, -45, -27, true, "crackdown", 0, 20},
		{2, 1000, -18, -26, -10, true, "crackdown", 0, 20},
		{3, 1500, -6, -12, -0.5, true, "crackdown", 0, 20},
		{4, 2000, -1, -6, 4, true, "crackdown", 0, 20},
	})
	for _, want := range []string{"each distance ring of 5 cells (500 m) around the treatment area, at its outer edge", "the mean over the 20 replicates with its 95% t interval shaded",
		"Above 0 the ring gained drops relative to far away (displacement), below 0 it lost them (diffusion of benefits)"} {
		if !strings.Contains(spec.caption, want) {
			t.Errorf("the caption lacks %q: %s", want, spec.caption)
		}
	}
	for _, bad := range []string{"left out", "error bar", "design point"} {
		if strings.Contains(spec.caption, bad) {
			t.Errorf("the caption says %q of a sweep without it: %s", bad, spec.caption)
		}
	}

	// Without the cell size the distances are in cells; without one ring
	// width for every run, the rings are counted.
	s := synthRings()
	s.CellM = 0
	spec = sweepSpec(t, s, "rings")
	if xs := ringXs(spec.rings[0]); !slices.Equal(xs, []float64{5, 10, 15, 20}) {
		t.Errorf("without a cell size, the rings are at %v, want 5 10 15 20 cells", xs)
	}
	s.RingWidth = 0
	spec = sweepSpec(t, s, "rings")
	if xs := ringXs(spec.rings[0]); !slices.Equal(xs, []float64{1, 2, 3, 4}) || !strings.Contains(spec.caption, "drawn by number") {
		t.Errorf("without a ring width, the rings are at %v, want 1 2 3 4, and the caption says: %s", xs, spec.caption)
	}
}

func ringXs(c ringCurve) []float64 {
	var xs []float64
	for _, r := range c.rings {
		xs = append(xs, r.x)
	}
	return xs
}

// TestSweepRingsUndefined: a ring whose mean is undefined in every
// replicate, or not finite, is left out and the caption says so; a mean
// over part of the replicates is drawn, and one without an interval has
// no band; no NaN reaches the figure.
func TestSweepRingsUndefined(t *testing.T) {
	s := synthRings()
	for i := range s.Summary {
		r := &s.Summary[i]
		switch {
		case r.Arm == "crackdown" && r.Measure == "drops_placed_ring_2_change":
			r.Interval = synthUndefined(20)
		case r.Arm == "crackdown" && r.Measure == "drops_placed_ring_3_change":
			r.Interval = synthInterval(12, -0.08, -0.2, 0.04)
			r.Undefined = 8
		case r.Arm == "none" && r.Measure == "drops_placed_ring_4_change":
			r.Mean = math.NaN() // marked defined, but not a number
		case r.Arm == "none" && r.Measure == "drops_placed_ring_2_change":
			r.Interval = synthInterval(1, 0.05, math.NaN(), math.NaN())
			r.Undefined = 19
		}
	}
	spec := sweepSpec(t, s, "rings")
	checkRings(t, spec.rings, []ringWant{
		{1, 500, 2, -2, 6, true, "none", 0, 20},
		{2, 1000, 5, 0, 0, false, "none", 0, 1},
		{3, 1500, -3, -6, 0, true, "none", 0, 20},
		{1, 500, -36, -45, -27, true, "crackdown", 0, 20},
		{3, 1500, -8, -20, 4, true, "crackdown", 0, 12},
		{4, 2000, -1, -6, 4, true, "crackdown", 0, 20},
	})
	for _, want := range []string{"2 ring values undefined in every replicate are left out.", "the mean and interval are over the others",
		"A ring between undefined ones has its interval as an error bar."} {
		if !strings.Contains(spec.caption, want) {
			t.Errorf("the caption lacks %q: %s", want, spec.caption)
		}
	}
	figs, err := SweepFigures(context.Background(), s, []string{"svg"})
	if err != nil {
		t.Fatal(err)
	}
	if b := figs[0].Data["svg"]; bytes.Contains(b, []byte("NaN")) || bytes.Contains(b, []byte("Inf")) {
		t.Error("the rings figure's SVG holds NaN or Inf")
	}
}

// TestSweepRingsAbsent: no rings figure without ring measures in the
// summary, or when they are undefined in every run (no treatment area).
func TestSweepRingsAbsent(t *testing.T) {
	if names := SweepFigureNames(synthFactorial()); slices.Contains(names, "rings") {
		t.Errorf("a sweep without ring measures has the figures %v", names)
	}
	s := synthRings()
	for i := range s.Summary {
		s.Summary[i].Interval = synthUndefined(20)
	}
	if names := SweepFigureNames(s); len(names) != 0 {
		t.Errorf("a sweep whose rings are all undefined has the figures %v", names)
	}
}

// TestSweepRingsPoints: a panel per design point, the first 6 of 8, each
// with its own values, and the caption says which are left out.
func TestSweepRingsPoints(t *testing.T) {
	s := synthRings()
	par := sweep.Parameter{Key: "police.group[0].count", Min: 1, Max: 8, Integer: true}
	s.Parameters, s.Points, s.Summary = []sweep.Parameter{par}, nil, nil
	for i := range 8 {
		s.Points = append(s.Points, sweep.Point{ID: i, Levels: []sweep.Level{sweep.NumLevel(float64(i+1), true)}, Trajectory: -1, Moved: -1})
		for _, a := range s.Arms {
			// Ring 1 changes by -(i+1)% for the crackdown, 0 for none.
			m := 0.0
			if a == "crackdown" {
				m = -0.01 * float64(i+1)
			}
			s.Summary = append(s.Summary, synthRingRows(a, i, synthInterval(20, m, m-0.02, m+0.02))...)
		}
	}
	spec := sweepSpec(t, s, "rings")
	var want []ringWant
	for i := range 6 {
		m := -float64(i + 1)
		want = append(want, ringWant{1, 500, 0, -2, 2, true, "none", i, 20}, ringWant{1, 500, m, m - 2, m + 2, true, "crackdown", i, 20})
	}
	checkRings(t, spec.rings, want)
	for _, want := range []string{"One panel per design point", "The first 6 of the 8 design points are drawn. The sweep's summary.csv has them all."} {
		if !strings.Contains(spec.caption, want) {
			t.Errorf("the caption lacks %q: %s", want, spec.caption)
		}
	}
	figs, err := SweepFigures(context.Background(), s, []string{"svg"})
	if err != nil {
		t.Fatal(err)
	}
	k := slices.IndexFunc(figs, func(f Figure) bool { return f.Name == "rings" })
	if k < 0 {
		t.Fatalf("no rings figure among %v", names(figs))
	}
	text := svgText(t, "rings", figs[k].Data["svg"])
	if !strings.Contains(text, "count=6") || strings.Contains(text, "count=7") {
		t.Error("the rings figure does not have exactly the panels of the first 6 points")
	}
}

// TestSweepRingsBand reads the rings figure's pixels: an arm whose rings
// all change by 20% with the interval [10%, 30%] must give a band in its
// colour from 10 to 30 on the change axis, so that its lower edge is half
// as far above the zero line as the band is high.
func TestSweepRingsBand(t *testing.T) {
	iv := synthInterval(20, 0.2, 0.1, 0.3)
	s := &Sweep{Arms: []string{"none", "crackdown"}, Baseline: "none", Points: []sweep.Point{{ID: 0, Trajectory: -1, Moved: -1}},
		Replicates: 20, RingWidth: 5, CellM: 100, Summary: synthRingRows("crackdown", 0, iv, iv, iv, iv)}
	figs, err := SweepFigures(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(figs[0].Data["png"]))
	if err != nil {
		t.Fatal(err)
	}
	pl, _ := newSweepPlan(s)
	col := pl.armColour("crackdown")
	a := float64(ringBandAlpha) / 255
	over := func(v uint8) uint8 { return uint8(math.Round(float64(v)*a + 255*(1-a))) }
	fill := color.NRGBA{over(col.R), over(col.G), over(col.B), 0xFF} // the band over white
	zRow, _, _, _ := colourRuns(img, midGrey)                        // the zero line, the longest grey row
	is := func(x, y int) bool {
		p := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
		d := func(u, v uint8) bool { return max(u, v)-min(u, v) <= 2 }
		return d(p.R, fill.R) && d(p.G, fill.G) && d(p.B, fill.B)
	}
	// The band's columns, above the zero line (the legend's swatch is below).
	b := img.Bounds()
	x0, x1 := -1, -1
	for x := b.Min.X; x < b.Max.X; x++ {
		for y := b.Min.Y; y < zRow; y++ {
			if is(x, y) {
				if x0 < 0 {
					x0 = x
				}
				x1 = x
				break
			}
		}
	}
	if x0 < 0 || x1-x0 < 200 {
		t.Fatalf("the band spans the columns %d..%d: it is missing", x0, x1)
	}
	xm, top, bottom := (x0+x1)/2, -1, -1
	for y := b.Min.Y; y < zRow; y++ {
		if is(xm, y) {
			if top < 0 {
				top = y
			}
			bottom = y
		}
	}
	t.Logf("band x %d..%d, at x %d rows %d..%d, zero line row %d", x0, x1, xm, top, bottom, zRow)
	if r := float64(zRow-bottom) / float64(bottom-top); bottom-top < 20 || math.Abs(r-0.5) > 0.05 {
		t.Errorf("the band's rows %d..%d over the zero line at row %d: its lower edge is %.3f of its height above zero, want 0.5 (10 of [10, 30])", top, bottom, zRow, r)
	}
}
