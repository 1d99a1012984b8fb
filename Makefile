# dropsim: two commands to know. `make run` plays the default scenario,
# `make test` runs every test. See README.md.
GO      ?= go
BIN     := bin/dropsim
SCENARIO ?= scenarios/default.toml

.PHONY: run test bench fuzz patterns slurm-test build check-pure clean

build:
	$(GO) build -o $(BIN) ./cmd/dropsim

run: build
	./$(BIN) run $(SCENARIO) -force

# vet, the engine-purity check, then every test.
test: check-pure
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# The engine (sim/...) must not do I/O, TOML, plotting or terminal output.
check-pure:
	@bad=$$($(GO) list -f '{{.ImportPath}}: {{join .Imports " "}}' ./sim/... | \
		grep -E ' (os|io/ioutil|net/http|github.com/BurntSushi/toml|github.com/schollz/progressbar/v3|gonum.org/v1/plot[^ ]*)( |$$)'); \
	if [ -n "$$bad" ]; then echo "sim/ imports I/O, TOML, plotting or progress packages:"; echo "$$bad"; exit 1; fi

# Benchmarks on one core: the default scenario (three runs), the analysis,
# figures and animation of a default run, then the 500 x 500 city for 365 days
# once (about a minute), then scenarios/sweep-bench.toml (its simulations
# alone, and the sweep on one and on all cores). Peak memory: see README.
bench:
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench 'Default' -benchtime 3x ./sim/
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench 'AnalyseDefault' -benchtime 3x ./cmd/dropsim/
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench 'Figures/default|Animation' -benchtime 3x ./cmd/internal/chart/
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench 'Large' -benchtime 1x -timeout 30m ./sim/
	$(GO) test -run '^$$' -bench 'Sweep' -benchtime 1x ./cmd/dropsim/

# Each fuzz target for FUZZTIME (CI: 20 s each): scenario decoding and the
# map parsers must not panic, hang or allocate beyond their bound. A run
# that ends on Go 1.26's fuzzing deadline race, with no failing input, is
# played once more (scripts/fuzz.sh).
FUZZTIME ?= 20s
FUZZ_TARGETS := FuzzParse:./cmd/internal/scenario/ FuzzParseSet:./cmd/internal/scenario/ FuzzReadASC:./cmd/internal/gis/ FuzzReadASCII:./cmd/internal/citymap/ FuzzReadASCMap:./cmd/internal/citymap/
fuzz:
	FUZZTIME=$(FUZZTIME) sh scripts/fuzz.sh $(FUZZ_TARGETS)

# The real Slurm test (needs root: it installs slurm-wlm and munge when
# missing and starts a one-node cluster, stopped again at the end): a sweep
# in 4 shards through sbatch, merged, equals the sweep on one machine.
slurm-test:
	bash scripts/slurm-test.sh

# The pattern checks of docs/CALIBRATION.md over 20 replicates (about a
# minute on 2 cores): plays scenarios/sweep-patterns.toml into
# outputs/sweep-patterns and rewrites the figures in docs/CALIBRATION.md.
patterns:
	sh scripts/patterns.sh

clean:
	rm -rf bin
