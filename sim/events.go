package sim

// Kind says what happened (MODEL.md section 5).
type Kind uint8

// Event kinds.
const (
	EvOrder         Kind = iota // a buyer orders (Agent = buyer, Shop)
	EvUnmet                     // an order found no drop within the buyer's patience
	EvDropPlaced                // a stasher placed a drop (Drop)
	EvDropEnded                 // a drop left the map: picked, seized, lost, expired, or active at the end (Drop)
	EvNotFound                  // a buyer found nothing at the coordinates (Drop, Agent = buyer)
	EvRedrop                    // the shop answered a complaint with a new drop (Agent = buyer)
	EvArrest                    // an arrest (Role, Agent, X, Y, Cause)
	EvRecruit                   // a member joined a shop (Role, Agent, Shop; Minor)
	EvQuit                      // a stasher left of their own accord (Agent, Shop)
	EvRelocate                  // a stasher moved its working area (Agent, X, Y = new centre)
	EvShopClosed                // the organizer was arrested: the shop is offline (Shop)
	EvShopReopened              // a successor reopened the shop (Shop)
	EvMoney                     // a ledger entry of a shop's cash keeper (Shop, Amount, Cause)
	EvIntercept                 // a mule's bulk delivery was intercepted (Shop, Amount = doses)
	EvDayEnd                    // end of a day, with the state snapshot (Day)
	EvInvestigation             // a network investigation closed (From, Agent = target, Role, Shop, Amount = path length, Cause = outcome)
)

var kindNames = [...]string{"order", "unmet", "drop_placed", "drop_ended", "not_found", "redrop",
	"arrest", "recruit", "quit", "relocate", "shop_closed", "shop_reopened", "money", "intercept", "day_end", "investigation"}

func (k Kind) String() string { return kindNames[k] }

// Role is a member of the market or the police.
type Role uint8

// Roles of the seed paper, plus buyers.
const (
	RoleStasher Role = iota
	RoleDispatcher
	RoleCashKeeper
	RoleOrganizer
	RoleMule
	RoleBuyer
	NumRoles
)

var roleNames = [NumRoles]string{"stasher", "dispatcher", "cash_keeper", "organizer", "mule", "buyer"}

func (r Role) String() string { return roleNames[r] }

// RoleNames lists the role names in role order.
func RoleNames() []string { return roleNames[:] }

// Outcome is how a drop ended.
type Outcome uint8

// Drop outcomes, as written in drops.csv.
const (
	OutcomeActive Outcome = iota // still on the map at the end of the run
	OutcomePicked
	OutcomeSeized
	OutcomeLost
	OutcomeExpired
	NumOutcomes
)

var outcomeNames = [NumOutcomes]string{"active", "picked", "seized", "lost", "expired"}

func (o Outcome) String() string { return outcomeNames[o] }

// Causes of arrests, seizures and ledger entries.
const (
	CauseSeen          = "placement_seen" // a unit near the placement saw it
	CauseCCTV          = "cctv"           // a camera caught the placement
	CauseStakeout      = "stakeout"       // arrested collecting a staked-out drop
	CauseInvestigation = "investigation"  // an investigation followed a link up the chain
	CauseInterception  = "interception"   // a mule stopped with bulk
	CauseSearch        = "search"         // a patrol found the drop
	CausePhone         = "phone"          // a seized phone showed the drop
	CauseTestPurchase  = "test_purchase"  // police bought the drop undercover

	CauseRevenue   = "revenue"   // a buyer paid for a drop
	CauseWage      = "wage"      // a stasher was paid for a drop
	CauseMulePay   = "mule_pay"  // a mule was paid for a delivery
	CauseWholesale = "wholesale" // the organizer bought bulk
	CauseConfisc   = "seized"    // police seized the cash keeper's cash
)

// DropRecord is a drop as written to drops.csv.
type DropRecord struct {
	ID, Shop, Stasher int32
	X, Y              int32
	Placed, End       int32 // ticks; End is the last tick of the run for active drops
	Outcome           Outcome
	Cause             string // for seized drops: search, stakeout, phone, placement_seen, cctv
}

// DayState is the snapshot sent at the end of each day. Like the event
// that carries it, it is only valid during the Sink call.
type DayState struct {
	Day            int
	ActiveStashers int       // employed stashers of open shops
	OpenShops      int       // shops online
	AvailableDrops int       // drops on the map, not yet reserved
	Backlog        int       // orders waiting for a drop
	PoliceActive   int       // police units on duty
	Cash           float64   // cash on hand, all shops
	Churned        int       // buyers currently out of the market
	Units          []UnitPos // where the units on duty stand at the end of the day
}

// UnitPos is a police unit's place at the end of a day.
type UnitPos struct {
	Unit, Group int32 // Group indexes Params.Police.Groups
	X, Y        int32
}

// Event is one state change. Fields that do not apply to a kind are zero;
// X and Y are -1 where the event has no place.
type Event struct {
	Tick     int32
	Kind     Kind
	Role     Role
	Shop     int32
	Agent    int32
	From     int32 // of an investigation: the agent held its path starts at,
	FromRole Role  // in this role (a buyer's number is not a member's)
	X, Y     int32
	Minor    bool // of a recruit or an arrested member: a minor
	Amount   float64
	Cause    string
	Drop     DropRecord
	Day      *DayState
}

// Sink receives the event stream of a run. The event is only valid during
// the call.
type Sink interface {
	Event(e *Event)
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(e *Event)

// Event calls f(e).
func (f SinkFunc) Event(e *Event) { f(e) }

// Discard is a Sink that drops every event.
var Discard Sink = SinkFunc(func(*Event) {})
