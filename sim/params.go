package sim

import (
	"dropsim/sim/grid"
)

// Params is everything a run needs besides its seed. The TOML names in the
// tags are the scenario keys (the tags are plain strings: sim imports no
// TOML package). DefaultParams gives every key its default; Validate names
// each bad key with its value and the allowed range. Validate also keeps
// the zones it builds in p, for BuildZones: it writes to p, so one Params
// must not be validated from two goroutines at once (copies may).
type Params struct {
	Name        string `toml:"name"`
	Description string `toml:"description"`
	Seed        uint64 `toml:"seed"`
	Days        int    `toml:"days"`
	TickMinutes int    `toml:"tick_minutes"`
	// WarmupDays are the first days of a run, while the market settles
	// from its start (stashers with empty pockets, no risk learnt): left
	// out of every before period and of the run's market measures.
	WarmupDays int `toml:"warmup_days"`

	City         CityParams         `toml:"city"`
	Market       MarketParams       `toml:"market"`
	Organization OrganizationParams `toml:"organization"`
	Stasher      StasherParams      `toml:"stasher"`
	Buyers       BuyerParams        `toml:"buyers"`
	Police       PoliceParams       `toml:"police"`
	Zones        ZoneParams         `toml:"zones"`

	// built are the zones Validate built and the inputs they came from,
	// shared by copies; BuildZones returns them while those inputs are
	// unchanged (see zonecache.go).
	built *builtZones
}

// CityParams describe the grid and its land use.
type CityParams struct {
	Width     int     `toml:"width"`
	Height    int     `toml:"height"`
	CellM     float64 `toml:"cell_m"`
	Generator string  `toml:"generator"`
	// The map coordinates of the grid's south-west corner and their
	// coordinate reference system, for the GIS outputs.
	OriginX float64 `toml:"origin_x"`
	OriginY float64 `toml:"origin_y"`
	CRS     string  `toml:"crs"`

	// A map file instead of the generator (generator = "map"): an ASCII
	// map whose characters Legend maps to land-use classes, or an ESRI
	// ASCII grid (.asc) whose codes Codes maps; DemandMap and CoverMap are
	// optional .asc layers overriding the land-use table. Paths are
	// relative to the scenario file. The loader reads them into Land.
	Map       string            `toml:"map"`
	Legend    map[string]string `toml:"legend"`
	Codes     map[string]string `toml:"codes"`
	DemandMap string            `toml:"demand_map"`
	CoverMap  string            `toml:"cover_map"`
	Land      *LandMap          `toml:"-" json:"-"`

	CentreRadius      float64 `toml:"centre_radius"`
	ResidentialRadius float64 `toml:"residential_radius"`
	PrivateRadius     float64 `toml:"private_radius"`
	Parks             int     `toml:"parks"`
	ParkRadius        float64 `toml:"park_radius"`
	IndustrialShare   float64 `toml:"industrial_share"`
	River             bool    `toml:"river"`
	RiverWidth        int     `toml:"river_width"`

	LandUse LandUseTable `toml:"landuse"`
}

// LandMap is a city read from a map file: the class of every cell (y*W +
// x, row 0 the north edge) and optional demand and cover layers (nil: from
// the land-use table).
type LandMap struct {
	W, H          int
	Class         []grid.Class
	Demand, Cover []float32
}

// MapXY turns grid coordinates (x east and y south from the north-west
// corner, in cells; a cell's centre is x+0.5, y+0.5) into map coordinates
// (east and north, in the map's units).
func (c *CityParams) MapXY(x, y float64) (float64, float64) {
	return c.OriginX + x*c.CellM, c.OriginY + (float64(c.Height)-y)*c.CellM
}

// GridXY is the inverse of MapXY: the grid coordinates (in cells, x east
// and y south from the north-west corner) of map coordinates. The point
// lies in cell (floor(x), floor(y)); one on a cell's edge lies in the cell
// east or south of the edge.
func (c *CityParams) GridXY(mx, my float64) (float64, float64) {
	return (mx - c.OriginX) / c.CellM, float64(c.Height) - (my-c.OriginY)/c.CellM
}

// LandUseTable is the per-class cover, traffic and demand of MODEL.md section 2.
type LandUseTable struct {
	Centre      grid.ClassProps `toml:"centre"`
	Residential grid.ClassProps `toml:"residential"`
	Private     grid.ClassProps `toml:"private"`
	Park        grid.ClassProps `toml:"park"`
	Forest      grid.ClassProps `toml:"forest"`
	Industrial  grid.ClassProps `toml:"industrial"`
}

// Array returns the table indexed by class; water is all zero.
func (t LandUseTable) Array() [grid.NumClasses]grid.ClassProps {
	var a [grid.NumClasses]grid.ClassProps
	a[grid.Centre], a[grid.Residential], a[grid.Private] = t.Centre, t.Residential, t.Private
	a[grid.Park], a[grid.Forest], a[grid.Industrial] = t.Park, t.Forest, t.Industrial
	return a
}

// MarketParams are the shops, prices and the life of a drop.
type MarketParams struct {
	Shops int `toml:"shops"`
	// Marketplaces the shops list on, shop i on marketplace i mod
	// marketplaces + 1 (marketplace.go).
	Marketplaces   int     `toml:"marketplaces"`
	Currency       string  `toml:"currency"` // the name of the money unit, for figures and the report
	Price          float64 `toml:"price"`
	PayPerDrop     float64 `toml:"pay_per_drop"`
	WholesalePrice float64 `toml:"wholesale_price"`
	MulePay        float64 `toml:"mule_pay"`
	StartCash      float64 `toml:"start_cash"`
	StartStock     int     `toml:"start_stock"`
	ReorderPoint   int     `toml:"reorder_point"`
	ReorderQty     int     `toml:"reorder_qty"`
	SupplyDays     float64 `toml:"supply_days"`
	DropTTLDays    float64 `toml:"drop_ttl_days"`
	LossRate       float64 `toml:"loss_rate"`
	RedropProb     float64 `toml:"redrop_prob"`
	MinReputation  float64 `toml:"min_reputation"`
	ReputationDays int     `toml:"reputation_days"`
}

// OrganizationParams are the shop's members and their replacement.
type OrganizationParams struct {
	Stashers      int     `toml:"stashers"` // in all, shared out evenly among the shops
	MulesPerShop  int     `toml:"mules_per_shop"`
	MuleSpeed     float64 `toml:"mule_speed"`
	RecruitDays   float64 `toml:"recruit_days"`
	MinorShare    float64 `toml:"minor_share"`
	SuccessorProb float64 `toml:"successor_prob"`
	SuccessorDays float64 `toml:"successor_days"`
	TenureDays    float64 `toml:"tenure_days"`
}

// StasherParams drive where and how drops are placed (MODEL.md 4.1).
type StasherParams struct {
	AreaRadius        float64 `toml:"area_radius"`
	Quota             int     `toml:"quota"`
	MaxActive         int     `toml:"max_active"`
	ShiftStart        int     `toml:"shift_start"`
	ShiftEnd          int     `toml:"shift_end"`
	Speed             float64 `toml:"speed"`
	BulkDays          float64 `toml:"bulk_days"`
	Candidates        int     `toml:"candidates"`
	BDemand           float64 `toml:"b_demand"`
	BCover            float64 `toml:"b_cover"`
	BRisk             float64 `toml:"b_risk"`
	BTraffic          float64 `toml:"b_traffic"`
	BDist             float64 `toml:"b_dist"`
	ChoiceTemp        float64 `toml:"choice_temp"`
	SightRadius       float64 `toml:"sight_radius"`
	RiskSeen          float64 `toml:"risk_seen"`
	RiskSeizure       float64 `toml:"risk_seizure"`
	RiskNotFound      float64 `toml:"risk_not_found"`
	RiskKernel        int     `toml:"risk_kernel"`
	RiskHalfLifeDays  float64 `toml:"risk_half_life_days"`
	RelocateThreshold float64 `toml:"relocate_threshold"`
	RelocateRange     float64 `toml:"relocate_range"`
}

// BuyerParams drive demand (MODEL.md 4.2).
type BuyerParams struct {
	Count         int       `toml:"count"`
	IntervalDays  float64   `toml:"interval_days"`
	MaxTravel     float64   `toml:"max_travel"`
	Speed         float64   `toml:"speed"`
	PickupDelay   int       `toml:"pickup_delay"`
	PatienceHours float64   `toml:"patience_hours"`
	ChurnAfter    int       `toml:"churn_after"`
	ChurnDays     float64   `toml:"churn_days"`
	Diurnal       []float64 `toml:"diurnal"`
}

// PoliceParams are shared by all units; Groups say how many units follow
// which strategy when (MODEL.md 4.3-4.4).
type PoliceParams struct {
	FindProb           float64 `toml:"find_prob"`
	SearchRadius       float64 `toml:"search_radius"`
	Speed              float64 `toml:"speed"`
	DetectRadius       float64 `toml:"detect_radius"`
	DetectProb         float64 `toml:"detect_prob"`
	CCTVBoost          float64 `toml:"cctv_boost"`
	CCTVProb           float64 `toml:"cctv_prob"`
	StakeoutProb       float64 `toml:"stakeout_prob"`
	StakeoutTicks      int     `toml:"stakeout_ticks"`
	StakeoutArrestProb float64 `toml:"stakeout_arrest_prob"`
	PhoneDropProb      float64 `toml:"phone_drop_prob"`
	LinkProb           float64 `toml:"link_prob"`
	InvestigationDays  float64 `toml:"investigation_days"`
	InvestigationProb  float64 `toml:"investigation_prob"`
	MuleInterceptProb  float64 `toml:"mule_intercept_prob"`

	Groups []GroupParams `toml:"group"`
}

// GroupParams is one group of police units sharing a strategy and an active
// window [StartDay, EndDay).
type GroupParams struct {
	Name     string `toml:"name"`
	Strategy string `toml:"strategy"`
	Count    int    `toml:"count"`
	StartDay int    `toml:"start_day"`
	EndDay   int    `toml:"end_day"`
	// Tactic is what the group's units do where their strategy (the
	// deployment) puts them: "stakeout" (the default) searches and watches
	// a drop found on the unit's own cell with police.stakeout_prob,
	// seizing the others; "search" seizes every drop found;
	// "test_purchase" searches and seizes too, and orders drops undercover,
	// PurchasesPerDay a day, each seized, its stasher's working area the
	// group's patrol for TargetDays.
	Tactic          string  `toml:"tactic"`
	PurchasesPerDay float64 `toml:"purchases_per_day,omitzero"`
	TargetDays      float64 `toml:"target_days,omitzero"`
	// Area is the treatment rectangle [x0, y0, x1, y1] in cells, inclusive,
	// for the "area" strategy, and for cameras = "area".
	Area []int `toml:"area"`

	// Cameras says where a "cctv" group's Count cameras go at its start
	// day: "area" on the busiest usable cells (by traffic) of Area,
	// "hotspots" on the busiest cell of each of the top hot-spot zones,
	// "list" on Cells ([[x, y], ...]). Cells are also an "interdiction"
	// group's checkpoints, one unit on each.
	Cameras string  `toml:"cameras,omitempty"`
	Cells   [][]int `toml:"cells,omitempty"`

	// InterceptProb is the chance that an "interdiction" group's checkpoint
	// stops a mule whose route passes within police.detect_radius of it
	// (a unit on patrol does with police.mule_intercept_prob).
	InterceptProb float64 `toml:"intercept_prob,omitzero"`

	// A "takedown" group takes Marketplace (from 1) offline from its start
	// day to its end day: its shops cannot sell, BuyerLoss of their buyers
	// leave the market at their next order, and after MigrateDays its
	// shops move to the largest marketplace still online (marketplace.go).
	Marketplace int     `toml:"marketplace,omitzero"`
	BuyerLoss   float64 `toml:"buyer_loss,omitzero"`
	MigrateDays float64 `toml:"migrate_days,omitzero"`

	// Hot spots ("hotspot" strategy and cameras = "hotspots"): the city in
	// square zones of ZoneSize cells, ranked by a count of seizures,
	// not-found complaints and arrests that halves every MemoryDays; a
	// hotspot group patrols the top Zones zones, its units spread evenly.
	// A group that does not use them keeps the defaults (DefaultGroup),
	// and a resolved scenario leaves them out.
	ZoneSize   int     `toml:"zone_size,omitzero"`
	Zones      int     `toml:"zones,omitzero"`
	MemoryDays float64 `toml:"memory_days,omitzero"`
}

// onDuty says whether the group is on duty (its units out, its cameras
// up, its marketplace down) on day: its window [StartDay, EndDay).
func (g GroupParams) onDuty(day int) bool { return day >= g.StartDay && day < g.EndDay }

// Units is the number of police units the group puts on the map: none
// for "none", for cameras ("cctv") and for a takedown.
func (g GroupParams) Units() int {
	switch g.Strategy {
	case "none", "cctv", "takedown", "network":
		return 0
	}
	return max(g.Count, 0)
}

// UsesHotspots says whether a group ranks hot-spot zones: a hotspot
// patrol, or cameras put up on hot spots.
func (g GroupParams) UsesHotspots() bool {
	return g.Strategy == "hotspot" || g.Strategy == "cctv" && g.Cameras == "hotspots"
}

// WithoutUnused is g with the keys its strategy does not use cleared, as
// a resolved scenario writes it (they hold their defaults, which a
// scenario file gives back).
func (g GroupParams) WithoutUnused() GroupParams {
	if !g.UsesHotspots() {
		g.ZoneSize, g.Zones, g.MemoryDays = 0, 0, 0
	}
	if g.Strategy != "interdiction" {
		g.InterceptProb = 0
	}
	if g.Tactic != TacticTestPurchase {
		g.PurchasesPerDay, g.TargetDays = 0, 0
	}
	if g.Strategy != "takedown" {
		g.Marketplace, g.BuyerLoss, g.MigrateDays = 0, 0, 0
	}
	return g
}

// DefaultDiurnal is the default hourly order profile (hour 0 first): quiet
// at night, rising through the day to an evening peak.
func DefaultDiurnal() []float64 {
	return []float64{0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.5, 0.7, 0.9, 1.0, 1.1,
		1.2, 1.2, 1.3, 1.4, 1.5, 1.7, 1.9, 2.0, 1.9, 1.6, 1.1, 0.6}
}

// DefaultParams returns the defaults of MODEL.md: a 100 x 100 radial city,
// four shops of five stashers, 3,000 buyers, 180 days, and no police.
func DefaultParams() Params {
	return Params{
		Name: "default", Seed: 1, Days: 180, TickMinutes: 60, WarmupDays: 10,
		City: CityParams{
			Width: 100, Height: 100, CellM: 100, Generator: "radial",
			CentreRadius: 0.15, ResidentialRadius: 0.55, PrivateRadius: 0.8,
			Parks: 8, ParkRadius: 4, IndustrialShare: 0.35, River: true, RiverWidth: 2,
			LandUse: LandUseTable{
				Centre:      grid.ClassProps{Cover: 0.1, Traffic: 0.9, Demand: 1.0},
				Residential: grid.ClassProps{Cover: 0.4, Traffic: 0.4, Demand: 1.5},
				Private:     grid.ClassProps{Cover: 0.5, Traffic: 0.2, Demand: 0.8},
				Park:        grid.ClassProps{Cover: 0.7, Traffic: 0.3, Demand: 0.2},
				Forest:      grid.ClassProps{Cover: 0.8, Traffic: 0.05, Demand: 0.05},
				Industrial:  grid.ClassProps{Cover: 0.6, Traffic: 0.1, Demand: 0.1},
			},
		},
		Market: MarketParams{
			Shops: 4, Marketplaces: 1, Currency: "roubles", Price: 2000, PayPerDrop: 400, WholesalePrice: 300, MulePay: 5000,
			StartCash: 200000, StartStock: 1500, ReorderPoint: 500, ReorderQty: 1500,
			SupplyDays: 2, DropTTLDays: 3, LossRate: 0.12, RedropProb: 0.7,
			MinReputation: 0.6, ReputationDays: 7,
		},
		Organization: OrganizationParams{
			Stashers: 20, MulesPerShop: 1, MuleSpeed: 10, RecruitDays: 7,
			MinorShare: 0.1, SuccessorProb: 0.5, SuccessorDays: 30, TenureDays: 120,
		},
		Stasher: StasherParams{
			AreaRadius: 15, Quota: 40, MaxActive: 50, ShiftStart: 10, ShiftEnd: 20,
			Speed: 4, BulkDays: 3, Candidates: 16,
			BDemand: 2, BCover: 1.5, BRisk: 1, BTraffic: 0.5, BDist: 0.5, ChoiceTemp: 0.25,
			SightRadius: 3, RiskSeen: 0.5, RiskSeizure: 1, RiskNotFound: 0.03, RiskKernel: 3,
			RiskHalfLifeDays: 14, RelocateThreshold: 0.35, RelocateRange: 5,
		},
		Buyers: BuyerParams{
			Count: 3000, IntervalDays: 5, MaxTravel: 20, Speed: 5, PickupDelay: 1,
			PatienceHours: 18, ChurnAfter: 3, ChurnDays: 30, Diurnal: DefaultDiurnal(),
		},
		Police: PoliceParams{
			FindProb: 0.5, SearchRadius: 0, Speed: 3, DetectRadius: 1, DetectProb: 0.3,
			CCTVBoost: 1, CCTVProb: 0.05, StakeoutProb: 0.1, StakeoutTicks: 12,
			StakeoutArrestProb: 0.5, PhoneDropProb: 0.5, LinkProb: 0.3,
			InvestigationDays: 14, InvestigationProb: 0.5, MuleInterceptProb: 0.05,
		},
		Zones: ZoneParams{BufferWidth: 5, ControlMethod: ControlMatched, ControlGap: 5, RingWidth: 5, Rings: 4},
	}
}

// The defaults of the hot-spot keys of a group.
const (
	defaultZoneSize   = 10
	defaultZones      = 3
	defaultMemoryDays = 14
	defaultIntercept  = 0.5
	defaultPurchases  = 1
	defaultTargetDays = 7
	defaultBuyerLoss  = 0.5
	defaultMigrate    = 14
)

// DefaultGroup is the default of one [[police.group]] entry: the whole run.
func DefaultGroup(days int) GroupParams {
	return GroupParams{Strategy: "random", Count: 10, StartDay: 0, EndDay: days, Tactic: TacticStakeout, ZoneSize: defaultZoneSize, Zones: defaultZones, MemoryDays: defaultMemoryDays, InterceptProb: defaultIntercept,
		PurchasesPerDay: defaultPurchases, TargetDays: defaultTargetDays,
		Marketplace: 1, BuyerLoss: defaultBuyerLoss, MigrateDays: defaultMigrate}
}

// TicksPerDay is the number of ticks in a day.
func (p *Params) TicksPerDay() int { return 24 * 60 / p.TickMinutes }

// Ticks is the length of the run in ticks.
func (p *Params) Ticks() int { return p.Days * p.TicksPerDay() }
