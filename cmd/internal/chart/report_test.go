package chart

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dropsim/sim"
	"dropsim/sim/metrics"
)

// syntheticFigures are two figures with real PNGs drawn from the run
// (drops placed each day as bars, and where the drops were over the whole
// run), quicker than the static figures, for the tests of runs without
// measures.
func syntheticFigures(t testing.TB, r *Run) []Figure {
	t.Helper()
	tpd := r.Params.TicksPerDay()
	days := r.Params.Days

	perDay := make([]int, days)
	for _, d := range r.Tables.Drops {
		if day := int(d.Placed) / tpd; day >= 0 && day < days {
			perDay[day]++
		}
	}
	top := 1
	for _, n := range perDay {
		top = max(top, n)
	}
	const bw, h = 8, 240
	bars := image.NewRGBA(image.Rect(0, 0, days*bw+20, h+20))
	fill := func(img *image.RGBA, r image.Rectangle, c color.Color) {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				img.Set(x, y, c)
			}
		}
	}
	fill(bars, bars.Rect, color.White)
	for i, n := range perDay {
		bh := n * h / top
		c := color.RGBA{0x00, 0x72, 0xb2, 0xff}
		if r.Zones.PeriodOf(i) == sim.PeriodAfter {
			c = color.RGBA{0xd5, 0x5e, 0x00, 0xff}
		}
		fill(bars, image.Rect(10+i*bw, 10+h-bh, 10+i*bw+bw-1, 10+h), c)
	}

	W, H := r.Params.City.Width, r.Params.City.Height
	const s = 5
	count := make([]int, W*H)
	most := 1
	for _, d := range r.Tables.Drops {
		i := int(d.Y)*W + int(d.X)
		count[i]++
		most = max(most, count[i])
	}
	dens := image.NewRGBA(image.Rect(0, 0, W*s, H*s))
	for y := range H {
		for x := range W {
			c := color.RGBA{0xee, 0xee, 0xee, 0xff}
			if n := count[y*W+x]; n > 0 {
				v := uint8(255 - 200*math.Sqrt(float64(n)/float64(most)))
				c = color.RGBA{0xff, v, v / 2, 0xff}
			}
			fill(dens, image.Rect(x*s, y*s, x*s+s, y*s+s), c)
		}
	}
	var figs []Figure
	for _, f := range []struct {
		name, title, caption string
		img                  image.Image
	}{
		{"drops_per_day", "Drops placed each day", "Bars: drops placed each day; orange in the after period.", bars},
		{"drop_density", "Where the drops were", "Drops placed per cell over the whole run; darker is more.", dens},
	} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, f.img); err != nil {
			t.Fatal(err)
		}
		figs = append(figs, Figure{Name: f.name, Title: f.title, Caption: f.caption, Data: map[string][]byte{"png": buf.Bytes()}})
	}
	return figs
}

var (
	testFiguresOnce sync.Once
	testFiguresVal  []Figure
	testFiguresErr  error
)

// testFigures are the static figures of testRun, as Figures draws them in PNG.
func testFigures(t testing.TB) []Figure {
	t.Helper()
	r := testRun(t)
	testFiguresOnce.Do(func() { testFiguresVal, testFiguresErr = Figures(context.Background(), r, []string{"png"}) })
	if testFiguresErr != nil {
		t.Fatalf("Figures: %v", testFiguresErr)
	}
	if len(testFiguresVal) == 0 {
		t.Fatal("Figures drew no figure")
	}
	return testFiguresVal
}

// reportOf renders the report of r with figs and, if asked, the animation.
func reportOf(t *testing.T, r *Run, figs []Figure, withGIF bool) string {
	t.Helper()
	var g []byte
	if withGIF {
		g = gifOf(t, r)
	}
	b, err := Report(r, figs, g)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var reportImgTag = regexp.MustCompile(`<img\s`)

// reportDataURI matches the embedded images, whose base64 text can hold any
// letters (NaN among them).
var reportDataURI = regexp.MustCompile(`data:image/[a-z]+;base64,[A-Za-z0-9+/=]*`)

// reportHasNaN says whether the report, less its embedded images, holds NaN or Inf.
func reportHasNaN(doc string) bool {
	doc = reportDataURI.ReplaceAllString(doc, "data:")
	return strings.Contains(doc, "NaN") || strings.Contains(doc, "Inf")
}

// reportCellText is the text of the table cell with data-m="key", unescaped.
func reportCellText(t *testing.T, doc, key string) string {
	t.Helper()
	re := regexp.MustCompile(`<td class="num" data-m="` + regexp.QuoteMeta(key) + `">(.*?)</td>`)
	m := re.FindStringSubmatch(doc)
	if m == nil {
		t.Fatalf("no table cell %q", key)
	}
	return html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m[1], ""))
}

func TestReportContent(t *testing.T) {
	r := testRun(t)
	figs := testFigures(t)
	doc := reportOf(t, r, figs, true)

	for _, f := range figs {
		if !strings.Contains(doc, "<h3>"+html.EscapeString(f.Title)+"</h3>") {
			t.Errorf("figure title %q is missing", f.Title)
		}
	}
	if n := len(reportImgTag.FindAllString(doc, -1)); n != len(figs)+1 {
		t.Errorf("%d <img> tags, want %d figures + the animation", n, len(figs)+1)
	}
	if n := strings.Count(doc, `src="data:image/png;base64,`); n != len(figs) {
		t.Errorf("%d embedded PNGs, want %d", n, len(figs))
	}
	if n := strings.Count(doc, `src="data:image/gif;base64,`); n != 1 {
		t.Errorf("%d embedded GIFs, want 1", n)
	}
	if reportHasNaN(doc) {
		t.Error("the report holds NaN or Inf")
	}
	if strings.Contains(doc, "ZgotmplZ") {
		t.Error("html/template rejected a value (ZgotmplZ)")
	}
	// Self-contained: nothing is loaded from anywhere.
	for _, bad := range []string{`src="http`, `href="http`, `src="//`, `<link`, `@import`, `url(`} {
		if strings.Contains(doc, bad) {
			t.Errorf("the report refers to an external resource: %q", bad)
		}
	}
	for _, want := range []string{r.Params.Name, fmt.Sprintf("Seed %d", r.Summary.Seed), "dropsim version test", "Displacement measures",
		"Bowers", "Guerette", "Wheeler", "Clark", "crackdown", "patrol", "60 x 60 cells", "6 km",
		"data-images-ok", "naturalWidth", AnimationCaption(r)[:40]} {
		if !strings.Contains(doc, want) {
			t.Errorf("the report lacks %q", want)
		}
	}

	// The counts in the table are the summary's.
	s := r.Summary
	if len(s.Series) == 0 {
		t.Fatal("the test run has no displacement series")
	}
	for _, m := range s.Series {
		c := m.Counts
		for key, want := range map[string]float64{"Rb": c.Rb, "Ra": c.Ra, "Bb": c.Bb, "Ba": c.Ba, "Cb": c.Cb, "Ca": c.Ca} {
			got := reportCellText(t, doc, m.Series+"."+key)
			if got != strconv.Itoa(int(want)) {
				t.Errorf("%s %s: table has %q, summary %v", m.Series, key, got, want)
			}
		}
		if strings.Contains(doc, `data-m="`+m.Series+`.DCb"`) {
			t.Errorf("%s: DCb shown, but the buffer has no control of its own", m.Series)
		}
		reportCheckValue(t, doc, m.Series+".wdq", m.WDQ.WDQ)
		reportCheckValue(t, doc, m.Series+".tne", m.WDQ.TNE)
		reportCheckValue(t, doc, m.Series+".wdd_total_z", m.WDD.Total.Z)
		reportCheckValue(t, doc, m.Series+".wdd_total_z_dispersed", m.WDDDispersed.Total.Z)
		if !strings.Contains(html.UnescapeString(doc), m.WDQ.Interpretation) {
			t.Errorf("%s: the interpretation %q is missing", m.Series, m.WDQ.Interpretation)
		}
	}
	for _, ps := range s.Periods {
		if got := reportCellText(t, doc, ps.Period+".drops"); got != strconv.Itoa(ps.Drops) {
			t.Errorf("%s drops: table has %q, summary %d", ps.Period, got, ps.Drops)
		}
		reportCheckValue(t, doc, ps.Period+".nni", ps.NNIR)
		reportCheckValue(t, doc, ps.Period+".standard_distance", ps.StdDistance)
	}
	reportCheckValue(t, doc, "shift.distance", s.CentroidShift)

	// The animation is left out when not given.
	noGIF := reportOf(t, r, figs, false)
	if n := len(reportImgTag.FindAllString(noGIF, -1)); n != len(figs) {
		t.Errorf("without the GIF: %d <img> tags, want %d", n, len(figs))
	}
	if strings.Contains(noGIF, "data:image/gif") {
		t.Error("without the GIF, the report still embeds one")
	}
}

// reportCheckValue checks that the cell key shows v: its number to 4 significant
// digits, or "undefined" with the reason.
func reportCheckValue(t *testing.T, doc, key string, v metrics.Value) {
	t.Helper()
	got := reportCellText(t, doc, key)
	if !v.Defined {
		if !strings.HasPrefix(got, "undefined") {
			t.Errorf("%s: undefined, but the table shows %q", key, got)
		}
		return
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(got, "%"), 64)
	if err != nil {
		t.Errorf("%s: %q is not a number", key, got)
		return
	}
	if strings.HasSuffix(got, "%") {
		f /= 100
	}
	if math.Abs(f-v.V) > 5e-4*math.Abs(v.V)+1e-9 {
		t.Errorf("%s: table has %q, summary %v", key, got, v.V)
	}
}

// TestReportUndefined gives the report undefined measures: each reads
// "undefined", with its reason in a title attribute and in a note.
func TestReportUndefined(t *testing.T) {
	base := testRun(t)
	r := *base
	s := *base.Summary
	r.Summary = &s
	s.Series = append([]metrics.SeriesMeasures(nil), base.Summary.Series...)
	s.Periods = append([]metrics.PeriodStats(nil), base.Summary.Periods...)

	// A series whose control has no events after: the WDQ's ratios are undefined.
	c := metrics.Counts{Rb: 10, Ra: 4, Bb: 5, Ba: 7, Cb: 9, Ca: 0}
	wdq, err := metrics.WDQ(c)
	if err != nil {
		t.Fatal(err)
	}
	wdd, err := metrics.WDD(c)
	if err != nil {
		t.Fatal(err)
	}
	s.Series[0].Counts, s.Series[0].WDQ, s.Series[0].WDD = c, wdq, wdd
	// A series with periods of unequal length: the WDD is undefined.
	s.Series[1].WDDDefined = false
	s.Series[1].WDDReason = "the before and after periods differ in length (20 and 18 days)"
	// A period whose nearest-neighbour index is undefined.
	const nniWhy = "the nearest-neighbour index needs at least 2 drop sites"
	s.Periods[1].NNIR = metrics.Value{V: math.NaN(), Reason: nniWhy}
	s.Periods[1].NNIZ = metrics.Value{V: math.NaN(), Reason: nniWhy}
	s.CentroidShift = metrics.Value{V: math.Inf(1), Defined: true} // defined but infinite: still no Inf

	b, err := Report(&r, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	if reportHasNaN(doc) {
		t.Error("the report holds NaN or Inf")
	}
	plain := html.UnescapeString(doc)
	for _, why := range []string{wdq.WDQ.Reason, s.Series[1].WDDReason, nniWhy} {
		if !strings.Contains(plain, `title="`+why+`">undefined</span>`) {
			t.Errorf("no undefined value with the reason %q in its title", why)
		}
		if !regexp.MustCompile(`<li id="note-\d+">` + regexp.QuoteMeta(why) + `</li>`).MatchString(plain) {
			t.Errorf("no note with the reason %q", why)
		}
	}
	for _, key := range []string{s.Series[0].Series + ".wdq", s.Series[0].Series + ".success", s.Series[1].Series + ".wdd_total",
		s.Series[1].Series + ".wdd_total_z", "after.nni", "after.nni_z", "shift.distance"} {
		if got := reportCellText(t, doc, key); !strings.HasPrefix(got, "undefined") {
			t.Errorf("%s shows %q, want undefined", key, got)
		}
	}
	// Each reason is one note, however many cells share it.
	if n := strings.Count(plain, ">"+nniWhy+"</li>"); n != 1 {
		t.Errorf("the NNI reason is in %d notes, want 1", n)
	}
	if got := reportCellText(t, doc, s.Series[0].Series+".Ca"); got != "0" {
		t.Errorf("Ca shows %q, want 0", got)
	}
	if n := len(reportImgTag.FindAllString(doc, -1)); n != 0 {
		t.Errorf("%d <img> tags with no figures and no GIF", n)
	}
}

// TestReportNoMeasures: without a treatment area or periods the report
// says why instead of the tables.
func TestReportNoMeasures(t *testing.T) {
	base := testRun(t)
	for _, c := range []struct {
		name   string
		change func(p *sim.Params)
		treat  bool
	}{
		{"no treatment", func(p *sim.Params) { p.Police.Groups = p.Police.Groups[1:] }, false},
		{"no periods", func(p *sim.Params) {
			p.Police.Groups = p.Police.Groups[1:]
			p.Zones.Treatment = []int{32, 18, 41, 27}
		}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := *base
			r.Params.Police.Groups = append([]sim.GroupParams(nil), base.Params.Police.Groups...)
			c.change(&r.Params)
			r.Zones = r.Params.BuildZones(r.Land)
			r.Summary = metrics.Summarise(&r.Params, r.Zones, base.Summary.UsableCells, r.Tables.Drops, r.Tables.Arrests)
			if r.Summary.HasTreatment != c.treat || r.Summary.HasPeriods {
				t.Fatalf("summary has treatment %v, periods %v", r.Summary.HasTreatment, r.Summary.HasPeriods)
			}
			doc := reportOf(t, &r, syntheticFigures(t, &r), true)
			plain := html.UnescapeString(doc)
			if strings.Contains(doc, `id="measures-table"`) || strings.Contains(doc, `id="periods-table"`) {
				t.Error("the report has measure tables without periods")
			}
			if !strings.Contains(plain, reportSentence(r.Summary.PeriodReason)) {
				t.Errorf("the period reason %q is missing", r.Summary.PeriodReason)
			}
			if !c.treat && !strings.Contains(plain, reportSentence(r.Summary.Reason)) {
				t.Errorf("the treatment reason %q is missing", r.Summary.Reason)
			}
			if reportHasNaN(doc) {
				t.Error("the report holds NaN or Inf")
			}
		})
	}
}

func TestReportNum(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{0, "0"}, {12, "12"}, {-0.5, "-0.5"}, {1.23456, "1.235"}, {-12.3456, "-12.35"}, {1234.56, "1235"},
		{123456.7, "123457"}, {0.0123456, "0.01235"}, {0.00001234, "1.234e-05"}, {-0.00001, "-1e-05"}, {math.Copysign(0, -1), "0"}} {
		if got := reportNum(c.v); got != c.want {
			t.Errorf("reportNum(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

// findBrowser finds Debian's chromium (or chromium-browser) on PATH.
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "chromium is not installed: install it with `apt-get install -y chromium` to run the report's browser test"
	if os.Getenv("DROPSIM_BROWSER_TEST") == "1" {
		t.Fatal(msg + " (DROPSIM_BROWSER_TEST=1 requires it)")
	}
	t.Skip(msg)
	return ""
}

// runBrowser runs headless chromium on a file with extra arguments, within
// 60 s, and returns its standard output.
func runBrowser(t *testing.T, bin, page string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	all := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}, args...)
	all = append(all, "file://"+page)
	cmd := exec.CommandContext(ctx, bin, all...)
	cmd.WaitDelay = 5 * time.Second // chromium's children may hold the pipes open after a kill
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s %s: %.1f s", filepath.Base(bin), strings.Join(args, " "), time.Since(start).Seconds())
	if ctx.Err() != nil {
		t.Fatalf("chromium did not finish within 60 s (%v); stderr:\n%s", ctx.Err(), tailOf(stderr.String(), 3000))
	}
	if err != nil {
		t.Fatalf("chromium: %v; stderr:\n%s", err, tailOf(stderr.String(), 3000))
	}
	return stdout.Bytes()
}

func tailOf(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// TestReportInBrowser renders the report in headless chromium: the
// screenshot must not be blank, and every image must decode.
func TestReportInBrowser(t *testing.T) {
	bin := findBrowser(t)
	r := testRun(t)
	figs := testFigures(t)
	doc, err := Report(r, figs, gifOf(t, r))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if keep := os.Getenv("DROPSIM_KEEP_REPORT"); keep != "" {
		dir = keep // to look at the report and its screenshot
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, doc, 0o644); err != nil {
		t.Fatal(err)
	}

	// (a) A screenshot that is not blank.
	checkScreenshot(t, bin, page, filepath.Join(dir, "screenshot.png"))

	// (b) The DOM after load: every image decoded, and the measures there.
	dom := string(runBrowser(t, bin, page, "--dump-dom"))
	m := regexp.MustCompile(`<body[^>]*\sdata-images-ok="(\d+)"[^>]*>`).FindStringSubmatch(dom)
	n := regexp.MustCompile(`<body[^>]*\sdata-images-total="(\d+)"[^>]*>`).FindStringSubmatch(dom)
	if m == nil || n == nil {
		t.Fatalf("the body has no data-images-ok and data-images-total: did the load script run? DOM starts:\n%s", headOf(dom, 2000))
	}
	ok, _ := strconv.Atoi(m[1])
	tot, _ := strconv.Atoi(n[1])
	if want := len(figs) + 1; ok != tot || tot != want {
		t.Errorf("%d of %d images decoded, want all of %d (figures + the animation)", ok, tot, want)
	}
	for _, want := range []string{`id="measures-table"`, "Success measure", "WDD, total", "Drops placed", "Nearest-neighbour index"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
	if s := r.Summary.Series[0]; !strings.Contains(dom, fmt.Sprintf(`data-m="%s.Rb">%d<`, s.Series, int(s.Counts.Rb))) {
		t.Errorf("the rendered measures table lacks Rb = %v", s.Counts.Rb)
	}
}

// checkScreenshot takes a 1280 x 2400 screenshot of the page with
// headless chromium into shot, and fails if it looks blank.
func checkScreenshot(t *testing.T, bin, page, shot string) {
	t.Helper()
	runBrowser(t, bin, page, "--window-size=1280,2400", "--screenshot="+shot)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	colours := map[color.RGBA]bool{}
	nonWhite, total := 0, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			colours[c] = true
			total++
			if c.R < 0xf0 || c.G < 0xf0 || c.B < 0xf0 {
				nonWhite++
			}
		}
	}
	share := float64(nonWhite) / float64(total)
	t.Logf("screenshot %v: %d colours, %.1f%% non-white", b.Size(), len(colours), 100*share)
	if b.Dx() != 1280 || b.Dy() != 2400 {
		t.Errorf("screenshot is %v, want 1280 x 2400", b.Size())
	}
	if len(colours) < 100 || share < 0.03 {
		t.Errorf("the screenshot looks blank: %d colours, %.1f%% non-white pixels", len(colours), 100*share)
	}
}

func headOf(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// TestReportBufferControl: with a buffer control of its own, the table has
// its counts and the variance note says so.
func TestReportBufferControl(t *testing.T) {
	base := testRun(t)
	r := *base
	s := *base.Summary
	r.Summary = &s
	s.Series = append([]metrics.SeriesMeasures(nil), base.Summary.Series...)
	for i := range s.Series {
		c := s.Series[i].Counts
		c.HasBufferControl, c.DCb, c.DCa = true, float64(10+i), float64(20+i)
		wdd, err := metrics.WDD(c)
		if err != nil {
			t.Fatal(err)
		}
		s.Series[i].Counts, s.Series[i].WDD = c, wdd
	}
	b, err := Report(&r, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for i, m := range s.Series {
		if got := reportCellText(t, doc, m.Series+".DCb"); got != strconv.Itoa(10+i) {
			t.Errorf("%s DCb: %q, want %d", m.Series, got, 10+i)
		}
		if got := reportCellText(t, doc, m.Series+".DCa"); got != strconv.Itoa(20+i) {
			t.Errorf("%s DCa: %q, want %d", m.Series, got, 20+i)
		}
		reportCheckValue(t, doc, m.Series+".wdd_total_z", m.WDD.Total.Z)
	}
	if !strings.Contains(doc, "its own control area DC") || strings.Contains(doc, "four times (Rb") {
		t.Error("the WDD note does not describe the buffer's own control")
	}
}

// TestReportStrategy: the report's police table says what each group
// deploys (cameras, a takedown, investigations) and, for groups of units,
// their tactic.
func TestReportStrategy(t *testing.T) {
	for _, c := range []struct {
		g    sim.GroupParams
		want string
	}{
		{sim.GroupParams{Strategy: "cctv", Cameras: "area", Count: 30}, "cctv: 30 cameras (area)"},
		{sim.GroupParams{Strategy: "cctv", Cameras: "list", Cells: [][]int{{1, 2}}}, "cctv: 1 camera listed"},
		{sim.GroupParams{Strategy: "takedown", Marketplace: 2}, "takedown of marketplace 2"},
		{sim.GroupParams{Strategy: "network", Count: 3}, "network: up to 3 investigations at a time"},
		{sim.GroupParams{Strategy: "random", Tactic: sim.TacticTestPurchase}, "random, test purchases"},
		{sim.GroupParams{Strategy: "area", Tactic: sim.TacticSearch}, "area, search and seize"},
		{sim.GroupParams{Strategy: "hotspot"}, "hotspot, search and stake out"},
	} {
		if got := reportStrategy(c.g); got != c.want {
			t.Errorf("%+v: %q, want %q", c.g, got, c.want)
		}
	}
}
