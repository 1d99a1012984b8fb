package grid

import (
	"math"
	"math/rand/v2"
)

// RadialOptions shape the generated city. Radii are shares of the distance
// from the centre to the nearest map edge.
type RadialOptions struct {
	CentreRadius      float64 // business centre
	ResidentialRadius float64 // blocks of flats, with parks
	PrivateRadius     float64 // private housing; beyond it forest and industry
	Parks             int     // number of parks in the residential and private rings
	ParkRadius        float64 // park radius in cells
	IndustrialShare   float64 // share of the periphery that is industrial (the rest is forest)
	River             bool    // a river crosses the city
	RiverWidth        int     // in cells
}

// Radial generates a radial city: a centre, rings of residential blocks and
// private housing with parks, a periphery of forest and industrial sectors,
// and a meandering river, all drawn from rng.
func Radial(w, h int, o RadialOptions, rng *rand.Rand) *Grid {
	g := New(w, h)
	cx, cy := float64(w-1)/2, float64(h-1)/2
	scale := math.Min(cx, cy) + 0.5
	// The periphery alternates forest and industrial sectors; a random phase
	// and a little noise on the sector edges keep cities from looking alike.
	const sectors = 8
	phase := rng.Float64() * 2 * math.Pi
	industrial := make([]bool, sectors)
	for i := range industrial {
		industrial[i] = rng.Float64() < o.IndustrialShare
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			r := math.Hypot(dx, dy) / scale
			var c Class
			switch {
			case r < o.CentreRadius:
				c = Centre
			case r < o.ResidentialRadius:
				c = Residential
			case r < o.PrivateRadius:
				c = Private
			default:
				a := math.Mod(math.Atan2(dy, dx)+phase+4*math.Pi, 2*math.Pi)
				if industrial[int(a/(2*math.Pi)*sectors)%sectors] {
					c = Industrial
				} else {
					c = Forest
				}
			}
			g.Class[g.ID(x, y)] = c
		}
	}
	// Parks: discs centred in the residential and private rings.
	for p := 0; p < o.Parks; p++ {
		r := (o.CentreRadius + rng.Float64()*(o.PrivateRadius-o.CentreRadius)) * scale
		a := rng.Float64() * 2 * math.Pi
		px, py := cx+r*math.Cos(a), cy+r*math.Sin(a)
		rad := o.ParkRadius * (0.6 + 0.8*rng.Float64())
		for y := int(py - rad); y <= int(py+rad)+1; y++ {
			for x := int(px - rad); x <= int(px+rad)+1; x++ {
				if g.In(x, y) && math.Hypot(float64(x)-px, float64(y)-py) <= rad {
					if c := g.Class[g.ID(x, y)]; c != Centre {
						g.Class[g.ID(x, y)] = Park
					}
				}
			}
		}
	}
	// River: a sine-shaped band crossing the city from west to east.
	if o.River && o.RiverWidth > 0 {
		amp := (0.1 + 0.1*rng.Float64()) * float64(h)
		freq := (1 + rng.Float64()) * 2 * math.Pi / float64(w)
		off := cy + (rng.Float64()-0.5)*0.3*float64(h)
		ph := rng.Float64() * 2 * math.Pi
		half := float64(o.RiverWidth) / 2
		for x := 0; x < w; x++ {
			yc := off + amp*math.Sin(freq*float64(x)+ph)
			for y := int(math.Floor(yc - half + 0.5)); y < int(math.Floor(yc-half+0.5))+o.RiverWidth; y++ {
				if g.In(x, y) {
					g.Class[g.ID(x, y)] = Water
				}
			}
		}
	}
	return g
}
