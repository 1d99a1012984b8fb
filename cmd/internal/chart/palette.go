package chart

import (
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/palette/moreland"

	"dropsim/sim"
	"dropsim/sim/grid"
)

// The Okabe-Ito palette (Okabe and Ito 2008), safe for the common forms of
// colour blindness: every categorical colour of the figures comes from it.
var (
	okOrange     = color.NRGBA{0xE6, 0x9F, 0x00, 0xFF}
	okSkyBlue    = color.NRGBA{0x56, 0xB4, 0xE9, 0xFF}
	okGreen      = color.NRGBA{0x00, 0x9E, 0x73, 0xFF} // bluish green
	okYellow     = color.NRGBA{0xF0, 0xE4, 0x42, 0xFF}
	okBlue       = color.NRGBA{0x00, 0x72, 0xB2, 0xFF}
	okVermillion = color.NRGBA{0xD5, 0x5E, 0x00, 0xFF}
	okPurple     = color.NRGBA{0xCC, 0x79, 0xA7, 0xFF} // reddish purple
	okBlack      = color.NRGBA{0x00, 0x00, 0x00, 0xFF}
)

// OkabeIto is the Okabe-Ito palette in its usual order.
var OkabeIto = []color.NRGBA{okOrange, okSkyBlue, okGreen, okYellow, okBlue, okVermillion, okPurple, okBlack}

// Neutral colours for what is not data: the intervention window, grid
// lines and the other-period parts of paths.
var (
	windowGrey = color.NRGBA{0xE4, 0xE4, 0xE4, 0xFF}
	midGrey    = color.NRGBA{0x8C, 0x8C, 0x8C, 0xFF}
	darkGrey   = color.NRGBA{0x40, 0x40, 0x40, 0xFF}
	white      = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
	// noLand is the ground of maps without a land-use map (incident
	// data): the grid's extent, paler than any land use.
	noLand = color.NRGBA{0xF4, 0xF4, 0xF4, 0xFF}
)

// zoneColors are the colours of the zones in every figure: the treatment
// area hot (vermillion), its buffer green (orange beside vermillion was
// hard to tell apart, a reader found), the control area cool (blue), the
// buffer's control a lighter blue, and the rest purple.
var zoneColors = [sim.NumZones]color.NRGBA{
	sim.ZoneElsewhere:     okPurple,
	sim.ZoneTreatment:     okVermillion,
	sim.ZoneBuffer:        okGreen,
	sim.ZoneControl:       okBlue,
	sim.ZoneBufferControl: okSkyBlue,
}

// roleColors are the colours of the roles in the arrest figure.
var roleColors = [sim.NumRoles]color.NRGBA{
	sim.RoleStasher:    okOrange,
	sim.RoleDispatcher: okSkyBlue,
	sim.RoleCashKeeper: okGreen,
	sim.RoleOrganizer:  okYellow,
	sim.RoleMule:       okBlue,
	sim.RoleBuyer:      okPurple,
}

// Periods: before blue, after vermillion, as in the zone colours (control
// cool, treatment hot).
var (
	beforeColor = okBlue
	afterColor  = okVermillion
)

// landColors draw the land use faintly under the maps, pale enough for
// the data drawn over them to stand out: the centre grey, blocks of flats
// pale sand, private housing off-white, parks pale green, forest a deeper
// green, industry pale lavender, water pale blue; every two at least 30
// apart in RGB, so that their legend swatches can be told apart.
var landColors = [grid.NumClasses]color.NRGBA{
	grid.Water:       {0xBE, 0xD8, 0xF4, 0xFF},
	grid.Centre:      {0xC4, 0xC4, 0xC4, 0xFF},
	grid.Residential: {0xEC, 0xDD, 0xC8, 0xFF},
	grid.Private:     {0xF7, 0xF5, 0xEF, 0xFF},
	grid.Park:        {0xCF, 0xEA, 0xC0, 0xFF},
	grid.Forest:      {0xA9, 0xCF, 0x9B, 0xFF},
	grid.Industrial:  {0xDE, 0xD0, 0xE8, 0xFF},
}

// ramp is a continuous colour scale on [0, 1], looked up in a table of 256
// colours (so that every figure maps a value to exactly the same colour).
type ramp [256]color.NRGBA

// at returns the colour of t in [0, 1]; t outside is clamped.
func (r *ramp) at(t float64) color.NRGBA {
	if math.IsNaN(t) {
		t = 0
	}
	i := int(math.Round(t * 255))
	return r[max(0, min(255, i))]
}

// newRamp samples a colour map between its fractions lo and hi.
func newRamp(cm palette.ColorMap, lo, hi float64) *ramp {
	cm.SetMin(0)
	cm.SetMax(1)
	var r ramp
	for i := range r {
		c, err := cm.At(lo + (hi-lo)*float64(i)/255)
		if err != nil {
			panic(err)
		}
		r[i] = color.NRGBAModel.Convert(c).(color.NRGBA)
		r[i].A = 0xFF
	}
	return &r
}

// rampFrom interpolates linearly (in sRGB, as ColorBrewer's own continuous
// versions do) between evenly spaced anchor colours.
func rampFrom(anchors []color.Color) *ramp {
	var r ramp
	n := len(anchors) - 1
	for i := range r {
		f := float64(i) / 255 * float64(n)
		k := min(int(f), n-1)
		u := f - float64(k)
		a := color.NRGBAModel.Convert(anchors[k]).(color.NRGBA)
		b := color.NRGBAModel.Convert(anchors[k+1]).(color.NRGBA)
		mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-u) + float64(y)*u)) }
		r[i] = color.NRGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xFF}
	}
	return &r
}

// seqRamp is the sequential scale of densities: Moreland's black-body
// scale, perceptually uniform in lightness, reversed so that more is
// darker, and cut at both ends so that the lightest colour still shows on
// the pale land use and the darkest still shows the black outlines.
var seqRamp = newRamp(palette.Reverse(moreland.BlackBody()), 0.1, 0.86)

// divRamp is the diverging scale of differences: ColorBrewer's RdBu,
// reversed so that a decrease is blue and an increase red, with the
// neutral light grey at 0.5 (a difference of 0).
var divRamp = func() *ramp {
	p, err := brewer.GetPalette(brewer.TypeDiverging, "RdBu", 11)
	if err != nil {
		panic(err)
	}
	c := p.Colors()
	rev := make([]color.Color, len(c))
	for i := range c {
		rev[i] = c[len(c)-1-i]
	}
	return rampFrom(rev)
}()
