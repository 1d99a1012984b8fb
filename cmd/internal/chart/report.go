package chart

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"math"
	"path"
	"strconv"
	"strings"

	"dropsim/sim"
	"dropsim/sim/metrics"
)

//go:embed report.html.tmpl
var reportTemplateText string

// reportStyleText is the style sheet the run and sweep reports share.
//
//go:embed report_style.html.tmpl
var reportStyleText string

var reportTemplate = template.Must(template.Must(template.New("report").Parse(reportTemplateText)).Parse(reportStyleText))

// Report renders the self-contained report.html of a run: the scenario in
// brief, the measures table with their definitions, and every figure (each
// figure's PNG embedded as a base64 data URI, and the animation GIF too when
// given, nil to leave it out). No network access is needed to view it.
//
// Undefined measures read "undefined", with their reason in a title
// attribute and in a numbered note; no NaN is ever written.
func Report(r *Run, figs []Figure, gif []byte) ([]byte, error) {
	if r == nil || r.Summary == nil {
		return nil, errors.New("report: the run has no summary")
	}
	v := buildReportView(r, figs, gif)
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return buf.Bytes(), nil
}

// reportCell is one value of a table: its text, or "undefined" with the
// reason and the number of the note that gives it.
type reportCell struct {
	Text   string
	Undef  bool
	Reason string
	Note   int
	Key    string // data-m attribute, for tests and scripts: "series.field"
	Sig    bool   // |z| > 1.96
}

type reportRow struct {
	Label string
	Help  string // what the row is, in a title attribute
	Cells []reportCell
	Class string
}

type reportKV struct {
	Label string
	Value string
}

type reportGroup struct {
	Name, Strategy string
	Units          int
	Days           string
	Area           string
}

type reportFigure struct {
	Name, Title, Caption, Alt string
	// Src is the img's src attribute with its data URI, written as it is:
	// base64 needs no escaping, and escaping megabytes of it (html/template
	// would write each + as &#43;) is slow and makes the file larger.
	Src template.HTMLAttr
}

// reportDataSrc is the src attribute of an embedded image.
func reportDataSrc(mime string, data []byte) template.HTMLAttr {
	return template.HTMLAttr(`src="data:` + mime + `;base64,` + base64.StdEncoding.EncodeToString(data) + `"`)
}

type reportNote struct {
	N      int
	Reason string
}

type reportInterp struct {
	Series string
	Text   string
}

type reportView struct {
	Name, Description, Version string
	Seed                       uint64
	Days                       int

	// Points: the report of incident data (dropsim displacement -points),
	// Brief describes the data and Meta the header line; Event and Events
	// are what is counted ("drop", "drops" or "incident", "incidents").
	Points        bool
	Meta          string
	Event, Events string

	Brief  []reportKV
	Groups []reportGroup
	Zones  []reportKV

	HasTreatment, HasPeriods bool
	Reason, PeriodReason     string

	SeriesNames []string
	Measures    []reportRow
	Interp      []reportInterp
	WDDNote     string
	Minors      string // minors among the stashers arrested

	Periods    []string // column heads
	PeriodRows []reportRow
	Shift      []reportRow
	CellM      string
	Notes      []reportNote
	Figures    []reportFigure
	Animation  *reportFigure
}

// reportNoteBook numbers the reasons of undefined values, each reason once.
type reportNoteBook struct {
	notes []reportNote
	index map[string]int
}

func (nb *reportNoteBook) cell(v metrics.Value, format func(float64) string) reportCell {
	if v.Defined && !math.IsNaN(v.V) && !math.IsInf(v.V, 0) {
		return reportCell{Text: format(v.V)}
	}
	reason := v.Reason
	if reason == "" {
		reason = "The value could not be computed."
	}
	return nb.undefined(reason)
}

func (nb *reportNoteBook) undefined(reason string) reportCell {
	if nb.index == nil {
		nb.index = map[string]int{}
	}
	n, ok := nb.index[reason]
	if !ok {
		n = len(nb.notes) + 1
		nb.index[reason] = n
		nb.notes = append(nb.notes, reportNote{n, reason})
	}
	return reportCell{Text: "undefined", Undef: true, Reason: reason, Note: n}
}

// reportNum writes a measure with 4 significant digits, without an exponent
// for magnitudes from 0.001 to 10^9, and without trailing zeros.
func reportNum(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "undefined" // never reached through reportCell; no NaN is written
	case v == 0:
		return "0"
	}
	a := math.Abs(v)
	if a < 1e-3 || a >= 1e9 {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	dec := max(0, 3-int(math.Floor(math.Log10(a))))
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// reportCount writes a count as an integer.
func reportCount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "undefined"
	}
	return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
}

// reportShare writes a share as a percentage with one decimal.
func reportShare(v float64) string { return strconv.FormatFloat(100*v, 'f', 1, 64) + "%" }

func reportSeriesLabel(s string) string {
	switch s {
	case metrics.SeriesDrops:
		return "Drops placed"
	case metrics.SeriesSeizures:
		return "Seizures"
	case metrics.SeriesArrests:
		return "Arrests (with a place)"
	}
	return s
}

// reportZoneOrder is the order of the zones in the report.
var reportZoneOrder = []string{sim.ZoneTreatment.String(), sim.ZoneBuffer.String(), sim.ZoneControl.String(),
	sim.ZoneBufferControl.String(), sim.ZoneElsewhere.String()}

// reportZoneShareLabel names the zone share rows of the period table.
var reportZoneShareLabel = map[string]string{
	sim.ZoneTreatment.String():     "Share in the treatment area",
	sim.ZoneBuffer.String():        "Share in the buffer",
	sim.ZoneControl.String():       "Share in the control area",
	sim.ZoneBufferControl.String(): "Share in the buffer control",
	sim.ZoneElsewhere.String():     "Share elsewhere",
}

// reportPlural writes n with the singular or plural noun.
func reportPlural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// reportSentence makes a reason a sentence: a capital first letter and a
// full stop.
func reportSentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// reportKm writes a length in metres as km (or m below 1 km).
func reportKm(m float64) string {
	if m < 1000 {
		return reportNum(m) + " m"
	}
	return reportNum(m/1000) + " km"
}

// scenarioBrief is the scenario in brief: the city, the run, the market
// and the police groups.
func (v *reportView) scenarioBrief(r *Run) {
	p, s := &r.Params, r.Summary
	cm := p.City.CellM
	v.Brief = []reportKV{
		{"City", fmt.Sprintf("%d x %d cells of %s, %s x %s (%s generator)",
			p.City.Width, p.City.Height, reportKm(cm), reportKm(float64(p.City.Width)*cm), reportKm(float64(p.City.Height)*cm), p.City.Generator)},
		{"Run", fmt.Sprintf("%s (days 0 to %d), seed %d, a tick is %d minutes", reportPlural(p.Days, "day", "days"), p.Days-1, s.Seed, p.TickMinutes)},
		{"Market", fmt.Sprintf("%s on %s, %s in all, %s",
			reportPlural(p.Market.Shops, "shop", "shops"), reportPlural(p.Market.Marketplaces, "marketplace", "marketplaces"),
			reportPlural(p.Organization.Stashers, "stasher", "stashers"), reportPlural(p.Buyers.Count, "buyer", "buyers"))},
		{"Drops", fmt.Sprintf("%d drops placed over the run", len(r.Tables.Drops))},
	}
	for _, g := range p.Police.Groups {
		rg := reportGroup{Name: g.Name, Strategy: reportStrategy(g), Units: g.Units(),
			Days: fmt.Sprintf("%d to %d", g.StartDay, g.EndDay-1), Area: "the whole city"}
		if g.EndDay <= g.StartDay {
			rg.Days = "none"
		}
		if len(g.Area) == 4 {
			w, h := g.Area[2]-g.Area[0]+1, g.Area[3]-g.Area[1]+1
			rg.Area = fmt.Sprintf("[%d, %d, %d, %d]: %d x %d cells, %s x %s", g.Area[0], g.Area[1], g.Area[2], g.Area[3],
				w, h, reportKm(float64(w)*cm), reportKm(float64(h)*cm))
		}
		if rg.Name == "" {
			rg.Name = "(unnamed)"
		}
		v.Groups = append(v.Groups, rg)
	}
}

// reportStrategy says what a police group does: its strategy, with what
// it deploys when that is not units, and its tactic when it has units.
func reportStrategy(g sim.GroupParams) string {
	switch g.Strategy {
	case "cctv":
		if g.Cameras == "list" {
			return fmt.Sprintf("cctv: %s listed", reportPlural(len(g.Cells), "camera", "cameras"))
		}
		return fmt.Sprintf("cctv: %s (%s)", reportPlural(g.Count, "camera", "cameras"), g.Cameras)
	case "takedown":
		return fmt.Sprintf("takedown of marketplace %d", g.Marketplace)
	case "network":
		return fmt.Sprintf("network: up to %s at a time", reportPlural(g.Count, "investigation", "investigations"))
	case "none":
		return g.Strategy
	}
	tactic := map[string]string{sim.TacticStakeout: "search and stake out", sim.TacticSearch: "search and seize",
		sim.TacticTestPurchase: "test purchases"}[g.Tactic]
	if tactic == "" {
		tactic = "search and stake out"
	}
	return g.Strategy + ", " + tactic
}

// pointsBrief describes incident data: the file, the incidents counted and
// left out, their dates and the grid they were counted on.
func (v *reportView) pointsBrief(s *metrics.Summary) {
	ps := s.Points
	v.Name = path.Base(ps.File)
	v.Meta = fmt.Sprintf("%s from %s", reportPlural(ps.Incidents, "incident", "incidents"), ps.File)
	crs := ps.CRS
	if crs == "" {
		crs = "not named (map units are taken to be metres)"
	}
	left := []string{reportPlural(ps.Counted, "incident", "incidents") + " counted"}
	if ps.InGap > 0 {
		left = append(left, fmt.Sprintf("%d of them in the gap between the periods, in neither", ps.InGap))
	}
	if ps.Earlier > 0 {
		left = append(left, fmt.Sprintf("%d before the before period, left out", ps.Earlier))
	}
	if ps.Later > 0 {
		left = append(left, fmt.Sprintf("%d after the after period, left out", ps.Later))
	}
	w, h := float64(ps.Width)*ps.CellM, float64(ps.Height)*ps.CellM
	v.Brief = []reportKV{
		{"Data", fmt.Sprintf("%s (%s), coordinate reference system %s", ps.File, ps.Format, crs)},
		{"Incidents", fmt.Sprintf("%d read: %s", ps.Incidents, strings.Join(left, "; "))},
		{"Dates", fmt.Sprintf("the incidents are dated %s to %s; day 0 is %s, the intervention starts on %s (day %d)",
			ps.FirstDate, ps.LastDate, ps.DayZero, ps.Split, s.Before[1]+1)},
		{"Grid", fmt.Sprintf("%d x %d cells of %s map units (%s x %s), the south-west corner at (%s, %s): it covers every incident counted and the treatment area with its buffer and rings, so none is off the grid",
			ps.Width, ps.Height, reportNum(ps.CellM), reportKm(w), reportKm(h), reportNum(ps.OriginX), reportNum(ps.OriginY))},
		{"Method", "each incident is counted in the grid cell that holds it, and a cell is in an area when its centre lies in it; measures.csv and summary.json count the incidents as the series drops_placed"},
	}
}

func buildReportView(r *Run, figs []Figure, gifData []byte) *reportView {
	p := &r.Params
	s := r.Summary
	v := &reportView{Name: p.Name, Description: p.Description, Version: r.Version, Seed: s.Seed, Days: p.Days,
		HasTreatment: s.HasTreatment, HasPeriods: s.HasPeriods, Reason: reportSentence(s.Reason), PeriodReason: reportSentence(s.PeriodReason),
		Event: "drop", Events: "drops"}
	say := func(s string) string { return s } // the words of the data: see figs.say
	if r.Points() {
		say = incidentWords(s.Points.DayZero).Replace
		v.Points, v.Event, v.Events = true, "incident", "incidents"
	}
	if v.Name == "" {
		v.Name = s.Scenario
	}
	if v.Version == "" {
		v.Version = "unknown"
	}
	cm := p.City.CellM
	v.CellM = reportNum(cm)
	var nb reportNoteBook
	switch {
	case v.Points:
		v.pointsBrief(s)
	case s.StashersArrested == 0:
		v.Minors = "No stasher was arrested."
	default:
		v.Minors = fmt.Sprintf("Of the %d stashers arrested, %d were minors (%s); a share %s of recruits are (organization.minor_share).",
			s.StashersArrested, s.MinorStashers, fmt.Sprintf("%.0f%%", 100*s.MinorShare.V), reportNum(p.Organization.MinorShare))
	}

	// The scenario in brief.
	if !v.Points {
		v.scenarioBrief(r)
	}
	if s.HasTreatment {
		// The sizes side by side: the WDD assumes a control like the treatment.
		size := func(zone sim.Zone) string {
			n := s.ZoneCells[zone.String()]
			return fmt.Sprintf("%s (%s km²)", reportPlural(n, "cell", "cells"), reportNum(float64(n)*cm*cm/1e6))
		}
		v.Zones = append(v.Zones,
			reportKV{"Treatment area (R)", size(sim.ZoneTreatment) + ": " + s.Treatment},
			reportKV{"Buffer (B)", fmt.Sprintf("a ring %s wide (%s) around the treatment area", reportPlural(s.BufferWidth, "cell", "cells"), reportKm(float64(s.BufferWidth)*cm))},
			reportKV{"Control area (C)", size(sim.ZoneControl) + ", against the treatment area's " + size(sim.ZoneTreatment) + ": " + s.Control})
		if bc := p.Zones.BufferControl; r.Zones != nil && r.Zones.HasBufferControl && len(bc) == 4 {
			v.Zones = append(v.Zones, reportKV{"Buffer control (DC)", fmt.Sprintf("the rectangle [%d, %d, %d, %d] (zones.buffer_control)", bc[0], bc[1], bc[2], bc[3])})
		}
		var cells []string
		for _, z := range reportZoneOrder {
			if n, ok := s.ZoneCells[z]; ok && (n > 0 || z != sim.ZoneBufferControl.String()) {
				cells = append(cells, fmt.Sprintf("%s %d", strings.ReplaceAll(z, "_", " "), n))
			}
		}
		if v.Points {
			v.Zones = append(v.Zones, reportKV{"Cells per zone", strings.Join(cells, ", ")})
		} else {
			v.Zones = append(v.Zones, reportKV{"Cells per zone (water included)", strings.Join(cells, ", ") + fmt.Sprintf(" (usable for drops: %d)", s.UsableCells)})
		}
	}
	if s.HasPeriods {
		nb0, na0 := s.Before[1]-s.Before[0]+1, s.After[1]-s.After[0]+1
		per := fmt.Sprintf("before: days %d to %d (%s); after: days %d to %d (%s)",
			s.Before[0], s.Before[1], reportPlural(nb0, "day", "days"), s.After[0], s.After[1], reportPlural(na0, "day", "days"))
		if ps := s.Points; ps != nil {
			per = fmt.Sprintf("before: %s to %s (%s, days %d to %d); after: %s to %s (%s, days %d to %d)",
				ps.Date(s.Before[0]), ps.Date(s.Before[1]), reportPlural(nb0, "day", "days"), s.Before[0], s.Before[1],
				ps.Date(s.After[0]), ps.Date(s.After[1]), reportPlural(na0, "day", "days"), s.After[0], s.After[1])
		}
		if gap := s.After[0] - s.Before[1] - 1; gap > 0 {
			per += fmt.Sprintf("; %s between them in neither period", reportPlural(gap, "day", "days"))
		}
		v.Zones = append(v.Zones, reportKV{"Periods", per})
	}

	// The displacement measures, one column a series.
	if s.HasTreatment && s.HasPeriods && len(s.Series) > 0 {
		ser := s.Series
		for _, m := range ser {
			v.SeriesNames = append(v.SeriesNames, say(reportSeriesLabel(m.Series)))
		}
		shared := !ser[0].Counts.HasBufferControl
		row := func(label, help, key string, class string, f func(m metrics.SeriesMeasures) reportCell) {
			rw := reportRow{Label: label, Help: help, Class: class}
			for _, m := range ser {
				c := f(m)
				c.Key = m.Series + "." + key
				rw.Cells = append(rw.Cells, c)
			}
			v.Measures = append(v.Measures, rw)
		}
		count := func(get func(c metrics.Counts) float64) func(m metrics.SeriesMeasures) reportCell {
			return func(m metrics.SeriesMeasures) reportCell { return reportCell{Text: reportCount(get(m.Counts))} }
		}
		row("Rb", "treatment area, before", "Rb", "count first", count(func(c metrics.Counts) float64 { return c.Rb }))
		row("Ra", "treatment area, after", "Ra", "count", count(func(c metrics.Counts) float64 { return c.Ra }))
		row("Bb", "buffer, before", "Bb", "count", count(func(c metrics.Counts) float64 { return c.Bb }))
		row("Ba", "buffer, after", "Ba", "count", count(func(c metrics.Counts) float64 { return c.Ba }))
		row("Cb", "control area, before", "Cb", "count", count(func(c metrics.Counts) float64 { return c.Cb }))
		row("Ca", "control area, after", "Ca", "count", count(func(c metrics.Counts) float64 { return c.Ca }))
		if !shared {
			row("DCb", "buffer control, before", "DCb", "count", count(func(c metrics.Counts) float64 { return c.DCb }))
			row("DCa", "buffer control, after", "DCa", "count", count(func(c metrics.Counts) float64 { return c.DCa }))
		}
		val := func(get func(m metrics.SeriesMeasures) metrics.Value) func(m metrics.SeriesMeasures) reportCell {
			return func(m metrics.SeriesMeasures) reportCell { return nb.cell(get(m), reportNum) }
		}
		row("Success measure", "Ra/Ca - Rb/Cb: negative when the treatment area improved relative to the control", "success", "first",
			val(func(m metrics.SeriesMeasures) metrics.Value { return m.WDQ.Success }))
		row("Buffer measure", "Ba/Ca - Bb/Cb: positive when the buffer worsened relative to the control", "buffer", "",
			val(func(m metrics.SeriesMeasures) metrics.Value { return m.WDQ.Buffer }))
		row("WDQ", "weighted displacement quotient: buffer measure / success measure", "wdq", "key",
			val(func(m metrics.SeriesMeasures) metrics.Value { return m.WDQ.WDQ }))
		row("TNE", "total net effect: events prevented in net in R and B together (negative: added)", "tne", "",
			val(func(m metrics.SeriesMeasures) metrics.Value { return m.WDQ.TNE }))
		wdd := func(part string, get func(w metrics.WDDResult) metrics.Estimate) {
			cellOf := func(of func(m metrics.SeriesMeasures) metrics.WDDResult) func(m metrics.SeriesMeasures, f func(e metrics.Estimate) metrics.Value) reportCell {
				return func(m metrics.SeriesMeasures, f func(e metrics.Estimate) metrics.Value) reportCell {
					if !m.WDDDefined {
						return nb.undefined(m.WDDReason)
					}
					return nb.cell(f(get(of(m))), reportNum)
				}
			}
			cell := cellOf(func(m metrics.SeriesMeasures) metrics.WDDResult { return m.WDD })
			dcell := cellOf(func(m metrics.SeriesMeasures) metrics.WDDResult { return m.WDDDispersed })
			lab, help := "WDD, "+part, ""
			switch part {
			case "treatment":
				help = "(Ra - Rb) - (Ca - Cb)"
			case "buffer":
				help = "(Ba - Bb) - (DCa - DCb)"
				if shared {
					help = "(Ba - Bb) - (Ca - Cb): the buffer is compared with the control area"
				}
			case "total":
				lab, help = "WDD, total", "the sum of the treatment and buffer parts: negative is a net reduction"
			}
			row(lab, help, "wdd_"+part, "first", func(m metrics.SeriesMeasures) reportCell {
				return cell(m, func(e metrics.Estimate) metrics.Value { return metrics.Value{V: e.Estimate, Defined: true} })
			})
			row("  SE", "Poisson standard error", "wdd_"+part+"_se", "sub", func(m metrics.SeriesMeasures) reportCell {
				return cell(m, func(e metrics.Estimate) metrics.Value { return metrics.Value{V: e.SE, Defined: true} })
			})
			row("  z", "WDD / Poisson SE: overstates significance when counts are overdispersed, as drop counts are", "wdd_"+part+"_z", "sub", func(m metrics.SeriesMeasures) reportCell {
				return cell(m, func(e metrics.Estimate) metrics.Value { return e.Z })
			})
			row("  SE, overdispersed", "each count's variance times its dispersion factor (variance over mean of its daily counts, at least 1)", "wdd_"+part+"_se_dispersed", "sub", func(m metrics.SeriesMeasures) reportCell {
				return dcell(m, func(e metrics.Estimate) metrics.Value { return metrics.Value{V: e.SE, Defined: true} })
			})
			row("  z, overdispersed", "WDD / overdispersed SE; |z| > 1.96 is significant at the 5% level", "wdd_"+part+"_z_dispersed", "sub", func(m metrics.SeriesMeasures) reportCell {
				c := dcell(m, func(e metrics.Estimate) metrics.Value { return e.Z })
				if !c.Undef && m.WDDDefined {
					c.Sig = math.Abs(get(m.WDDDispersed).Z.V) > 1.96
				}
				return c
			})
		}
		wdd("treatment", func(w metrics.WDDResult) metrics.Estimate { return w.Treatment })
		wdd("buffer", func(w metrics.WDDResult) metrics.Estimate { return w.Buffer })
		wdd("total", func(w metrics.WDDResult) metrics.Estimate { return w.Total })
		for _, m := range ser {
			v.Interp = append(v.Interp, reportInterp{say(reportSeriesLabel(m.Series)), m.WDQ.Interpretation})
		}
		if shared {
			v.WDDNote = "The buffer has no control of its own, so it is compared with the control area: the control counts enter the total WDD twice, and its variance four times (Rb + Ra + Bb + Ba + 4(Cb + Ca))."
		} else {
			v.WDDNote = "The buffer is compared with its own control area DC: Var(WDD) = Rb + Ra + Cb + Ca + Bb + Ba + DCb + DCa."
		}
		// One sentence for every series whose control is not comparable.
		var ratios []string
		for _, m := range ser {
			if m.WDDNote != "" {
				label := strings.NewReplacer("(", "", ")", "").Replace(strings.ToLower(say(reportSeriesLabel(m.Series))))
				ratios = append(ratios, fmt.Sprintf("%.3g (%s)", m.Counts.Cb/m.Counts.Rb, label))
			}
		}
		if len(ratios) > 0 {
			control := "zones.control"
			if v.Points {
				control = "-control"
			}
			v.WDDNote += fmt.Sprintf(" Before the intervention the control area had %s times the treatment area's count: the WDD compares differences of counts and assumes a control of similar size (Wheeler & Ratcliffe 2018), so read it with care, or give %s an area of similar size.",
				reportJoin(ratios), control)
		}
	}

	// Where the drops were, period by period.
	if len(s.Periods) > 0 {
		for _, ps := range s.Periods {
			v.Periods = append(v.Periods, fmt.Sprintf("%s (days %d to %d)", ps.Period, ps.FirstDay, ps.LastDay))
		}
		prow := func(label, help, key, class string, f func(ps metrics.PeriodStats) reportCell) {
			rw := reportRow{Label: say(label), Help: say(help), Class: class}
			for _, ps := range s.Periods {
				c := f(ps)
				c.Key = ps.Period + "." + key
				rw.Cells = append(rw.Cells, c)
			}
			v.PeriodRows = append(v.PeriodRows, rw)
		}
		num := func(get func(ps metrics.PeriodStats) metrics.Value, f func(float64) string) func(ps metrics.PeriodStats) reportCell {
			return func(ps metrics.PeriodStats) reportCell { return nb.cell(get(ps), f) }
		}
		prow("Drops placed", "", "drops", "count", func(ps metrics.PeriodStats) reportCell { return reportCell{Text: strconv.Itoa(ps.Drops)} })
		prow("Drop sites", "distinct cells with a drop", "sites", "count", func(ps metrics.PeriodStats) reportCell { return reportCell{Text: strconv.Itoa(ps.Sites)} })
		prow("Centroid x", "mean x of the drops, cells from the west edge", "centroid_x", "first", num(func(ps metrics.PeriodStats) metrics.Value { return ps.CentroidX }, reportNum))
		prow("Centroid y", "mean y of the drops, cells from the north edge", "centroid_y", "", num(func(ps metrics.PeriodStats) metrics.Value { return ps.CentroidY }, reportNum))
		prow("Standard distance", "cells", "standard_distance", "", num(func(ps metrics.PeriodStats) metrics.Value { return ps.StdDistance }, reportNum))
		prow("Ellipse, major axis", "standard deviation along the major axis, cells", "ellipse_major", "", num(func(ps metrics.PeriodStats) metrics.Value { return ps.EllipseMajor }, reportNum))
		prow("Ellipse, minor axis", "standard deviation along the minor axis, cells", "ellipse_minor", "", num(func(ps metrics.PeriodStats) metrics.Value { return ps.EllipseMinor }, reportNum))
		prow("Ellipse, angle (deg)", "of the major axis, clockwise from east", "ellipse_angle", "", num(func(ps metrics.PeriodStats) metrics.Value { return ps.EllipseAngle }, reportNum))
		prow("Mean distance from the treatment centre", "cells", "mean_distance_treatment", "", num(func(ps metrics.PeriodStats) metrics.Value { return ps.MeanDistTreatment }, reportNum))
		first := true
		for _, z := range reportZoneOrder {
			if _, ok := s.Periods[0].ZoneShare[z]; !ok {
				continue
			}
			zz, class := z, ""
			if first {
				class, first = "first", false
			}
			prow(reportZoneShareLabel[z], "share of the period's drops placed there", "share_"+z, class,
				func(ps metrics.PeriodStats) reportCell {
					val, ok := ps.ZoneShare[zz]
					if !ok {
						return nb.undefined("The zone is not defined in this period.")
					}
					return nb.cell(val, reportShare)
				})
		}
		prow("Share in the top 5% of cells", "share of drops in the 5% of usable cells with the most drops", "top5_share", "first", num(func(ps metrics.PeriodStats) metrics.Value { return ps.TopShare }, reportShare))
		prow("Nearest-neighbour index R", "Clark & Evans: below 1 clustered, 1 random, above 1 dispersed", "nni", "", num(func(ps metrics.PeriodStats) metrics.Value { return ps.NNIR }, reportNum))
		prow("  z", "Clark & Evans z; below -1.96 significantly clustered at the 5% level", "nni_z", "sub", num(func(ps metrics.PeriodStats) metrics.Value { return ps.NNIZ }, reportNum))

		one := func(label, help, key string, val metrics.Value) {
			c := nb.cell(val, reportNum)
			c.Key = "shift." + key
			v.Shift = append(v.Shift, reportRow{Label: label, Help: help, Cells: []reportCell{c}})
		}
		one("Centroid shift", "distance from the before to the after centroid, cells", "distance", s.CentroidShift)
		one("  east (+) / west (-)", "change of the centroid's x, cells", "x", s.ShiftX)
		one("  south (+) / north (-)", "change of the centroid's y, cells (y grows southward)", "y", s.ShiftY)
	}
	v.Notes = nb.notes

	for _, f := range figs {
		png := f.Data["png"]
		if len(png) == 0 {
			continue
		}
		v.Figures = append(v.Figures, reportFigure{Name: f.Name, Title: f.Title, Caption: f.Caption, Alt: f.Title,
			Src: reportDataSrc("image/png", png)})
	}
	if len(gifData) > 0 {
		alt := "Animated map: drops placed each day and police units on duty, one frame a day"
		if step, _ := animFrames(r.Params.Days); step > 1 {
			alt = fmt.Sprintf("Animated map: drops placed and police units on duty, one frame every %d days", step)
		}
		v.Animation = &reportFigure{Name: "animation", Title: "The market day by day", Caption: AnimationCaption(r),
			Alt: alt, Src: reportDataSrc("image/gif", gifData)}
	}
	return v
}

// reportJoin joins "a", "b" and "c" as "a, b and c".
func reportJoin(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
