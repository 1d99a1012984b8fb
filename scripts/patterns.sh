#!/bin/sh
# make patterns: plays scenarios/sweep-patterns.toml (5 arms x 20 paired
# replicates, about a minute and a half on 2 cores) and writes the pattern
# checks, each with its 95% interval over the replicates, into
# docs/CALIBRATION.md between the lines "<!-- patterns:begin -->" and
# "<!-- patterns:end -->". The rest of that file is written by hand.
set -eu
cd "$(dirname "$0")/.."
out=${PATTERNS_OUT:-outputs/sweep-patterns}
doc=docs/CALIBRATION.md
go build -o bin/dropsim ./cmd/dropsim
bin/dropsim sweep scenarios/sweep-patterns.toml -out "$out" -force -q -formats png

tables=$(mktemp)
trap 'rm -f "$tables" "$doc.new"' EXIT
awk -F, -v out="$out" '
# m(arm, measure): "mean [ci_low, ci_high]" from summary.csv
function f(x) { return (x == "" ? "undefined" : sprintf("%.3g", x)) }
function m(arm, name) { k = arm SUBSEP name; return (k in mean) ? f(mean[k]) " [" f(lo[k]) ", " f(hi[k]) "]" : "undefined" }
function pct(x) { return sprintf("%.1f%%", 100 * x) }
function mp(arm, name) { k = arm SUBSEP name; return pct(mean[k]) " [" pct(lo[k]) ", " pct(hi[k]) "]" }
FILENAME ~ /summary.csv$/ && FNR > 1 { k = $1 SUBSEP $3; mean[k] = $6; lo[k] = $9; hi[k] = $10; n[k] = $4 }
FILENAME ~ /contrasts.csv$/ && FNR > 1 { k = $1 SUBSEP $4; cm[k] = $6; clo[k] = $8; chi[k] = $9; ulo[k] = $12; uhi[k] = $13; wr[k] = $14 }
FILENAME ~ /runs.csv$/ && FNR == 1 { for (i = 1; i <= NF; i++) { if ($i == "arm") ca = i; if ($i == "drops_placed_wdq") cw = i } }
FILENAME ~ /runs.csv$/ && FNR > 1 && $cw != "" { wn[$ca]++; if ($cw < 0) wneg[$ca]++ }
END {
	print "Written by `make patterns` from `" out "` (scenarios/sweep-patterns.toml, 20 replicates paired by seed). Each figure is the mean over the replicates with its 95% t interval."
	print ""
	print "### P0: a stationary market without police (arm `baseline`)"
	print ""
	print "Drift: the share of drops placed in a zone or land use in the last third of days 10-179 over its share in the first third, less 1. The criterion is a mean within 10% (-0.1 to 0.1)."
	print ""
	print "| zone or land use | drift |"
	print "|---|---|"
	split("treatment buffer control centre residential private park forest industrial", z, " ")
	for (i = 1; i <= 9; i++) print "| " z[i] " | " m("baseline", "drift_" z[i]) " |"
	print ""
	print "Working-area relocations per run: " m("baseline", "relocations") "."
	print ""
	print "Autocorrelation of daily drops placed (days 10-179); the criterion is below 0.2 at every lag from 2 to 10:"
	print ""
	print "| lag | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 |"
	print "|---|---|---|---|---|---|---|---|---|---|---|"
	row = "| r |"; for (l = 1; l <= 10; l++) row = row " " m("baseline", "placed_acf_" l) " |"; print row
	print ""
	print "### P1: where drops go (arm `baseline`)"
	print ""
	print "Drops placed per usable cell per day, days 10-179:"
	print ""
	print "| land use | density |"
	print "|---|---|"
	split("centre residential private park forest industrial", u, " ")
	for (i = 1; i <= 6; i++) print "| " u[i] " | " m("baseline", "density_" u[i]) " |"
	c = mean["baseline" SUBSEP "density_centre"]
	printf "\nThe mean density of the centre is %s of the residential and %s of the park density (criterion: below 40%% of both).\n\n", pct(c / mean["baseline" SUBSEP "density_residential"]), pct(c / mean["baseline" SUBSEP "density_park"])
	print "### P2: a crackdown lowers drops in the district; around it, the mechanism decides"
	print ""
	print "Zones of the crackdown (treatment 15 x 15 cells, a 5-cell buffer, control beyond 10 cells), days 10-59 against 60-109. WDQ > 0 is a diffusion of benefits, 0 to -1 partial displacement, below -1 displacement exceeding the benefit."
	print ""
	print "| arm | WDQ of drops placed | WDQ < 0 | treatment after (Ra) | buffer after (Ba) | control after (Ca) |"
	print "|---|---|---|---|---|---|"
	split("crackdown deterrence arrests", a, " ")
	for (i = 1; i <= 3; i++) printf "| %s | %s | %d of %d | %s | %s | %s |\n", a[i], m(a[i], "drops_placed_wdq"), wneg[a[i]], wn[a[i]], m(a[i], "drops_placed_Ra"), m(a[i], "drops_placed_Ba"), m(a[i], "drops_placed_Ca")
	printf "\nBefore the crackdown (all arms): treatment %s, buffer %s, control %s drops. A WDQ is a ratio and its mean over replicates is pulled by runs whose success measure is near 0; the WDQ of the mean counts is steadier:", m("baseline", "drops_placed_Rb"), m("baseline", "drops_placed_Bb"), m("baseline", "drops_placed_Cb")
	for (i = 1; i <= 3; i++) {
		rb = mean[a[i] SUBSEP "drops_placed_Rb"]; ra = mean[a[i] SUBSEP "drops_placed_Ra"]; bb = mean[a[i] SUBSEP "drops_placed_Bb"]
		ba = mean[a[i] SUBSEP "drops_placed_Ba"]; cb = mean[a[i] SUBSEP "drops_placed_Cb"]; ca = mean[a[i] SUBSEP "drops_placed_Ca"]
		printf " %s %.2f%s", a[i], (ba / ca - bb / cb) / (ra / ca - rb / cb), (i < 3 ? ";" : ".\n\n")
	}
	print "How far it travels: the change in drops placed of each distance ring, relative to the area beyond the rings (rings of 5 cells, 500 m; `drops_placed_ring_<k>_change`), in percent. Displacement and diffusion both decay with distance (Bowers et al. 2011); the baseline, with no crackdown, is the placebo."
	print ""
	print "| arm | 0-500 m | 500-1000 m | 1000-1500 m | 1500-2000 m |"
	print "|---|---|---|---|---|"
	split("baseline crackdown deterrence arrests", rarm, " ")
	for (i = 1; i <= 4; i++) {
		row = "| " rarm[i] " |"
		for (k = 1; k <= 4; k++) { kk = rarm[i] SUBSEP "drops_placed_ring_" k "_change"; row = row " " sprintf("%+.0f%% [%+.0f, %+.0f]", 100 * mean[kk], 100 * lo[kk], 100 * hi[kk]) " |" }
		print row
	}
	print ""
	print "### P3: five random units barely dent the market (arm `patrol5` against `baseline`)"
	print ""
	k = "patrol5" SUBSEP "picked"; b = mean["baseline" SUBSEP "picked"]
	printf "Drops picked up over the run: baseline %s, five units %s; paired change %s (95%% CI %s to %s; criterion: a fall of less than 10%%).\n\n", m("baseline", "picked"), m("patrol5", "picked"), pct(cm[k] / b), pct(clo[k] / b), pct(chi[k] / b)
	print "### Calibration (arm `baseline`; MODEL.md section 6)"
	print ""
	print "| measure | value | literature |"
	print "|---|---|---|"
	print "| not found / trips to a drop | " mp("baseline", "not_found_share") " | 5-15% |"
	print "| unmet orders / orders | " mp("baseline", "unmet_share") " | not reported |"
	print "| expired drops / drops placed | " mp("baseline", "expired_share") " | not reported |"
	print "| stashers quitting per run (20 posts, 180 days) | " m("baseline", "quits") " | tenure 3-6 months |"
	print ""
	print "### Common random numbers (arm `crackdown` against `baseline`)"
	print ""
	k = "crackdown" SUBSEP "drops_placed_Ca"
	printf "Change in control-area drops after the split: paired %s (95%% CI %s to %s), unpaired %s to %s; the paired interval is %.2f times as wide as the unpaired one (criterion: at most 0.5).", f(cm[k]), f(clo[k]), f(chi[k]), f(ulo[k]), f(uhi[k]), wr[k]
	printf " The same ratio for the other arms: patrol5 %.2f, deterrence %.2f, arrests %.2f.\n", wr["patrol5" SUBSEP "drops_placed_Ca"], wr["deterrence" SUBSEP "drops_placed_Ca"], wr["arrests" SUBSEP "drops_placed_Ca"]
}' "$out/summary.csv" "$out/contrasts.csv" "$out/runs.csv" > "$tables"

awk -v tables="$tables" '
/<!-- patterns:begin -->/ { print; while ((getline line < tables) > 0) print line; skip = 1; next }
/<!-- patterns:end -->/ { skip = 0 }
!skip { print }' "$doc" > "$doc.new"
grep -q "<!-- patterns:end -->" "$doc.new" || { echo "patterns: $doc has no patterns markers" >&2; exit 1; }
mv "$doc.new" "$doc"
echo "patterns: wrote the pattern checks into $doc (from $out)"
