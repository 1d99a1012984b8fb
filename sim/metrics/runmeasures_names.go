package metrics

// RunMeasureNames names the per-run measures a sweep can summarise.
// Placeholder list; replaced when runmeasures.go lands.
var RunMeasureNames = []string{"drops_placed_wdq", "drops_placed_wdd", "drops_placed_wdd_z", "orders", "placed"}
