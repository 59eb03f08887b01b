# The targets are the commands CI runs (.ci/run); `make help` lists them.
GO ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
# GoReleaser: a packaged binary when one can be had (on PATH, or the npm
# package), else built once from source; scripts/goreleaser.sh says how.
# GORELEASER=/path/to/goreleaser skips the search.
GORELEASER ?=
GET_GORELEASER = gr="$(GORELEASER)"; [ -n "$$gr" ] || gr=$$(bash scripts/goreleaser.sh)
# freeze renders the terminal's ANSI screens to PNG for the README.
FREEZE_VERSION ?= v0.2.2
FREEZE ?= $(shell $(GO) env GOPATH)/bin/freeze

.PHONY: help build test test-tools lint bench bench-flows fuzz e2e demo ci docs man release-check release-snapshot screenshots freeze

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

# -buildvcs=auto: the commit goes into the binary (reach --version) when
# the source is a git clone, whatever GOFLAGS says.
build: ## build the reach binary (static)
	CGO_ENABLED=0 $(GO) build -buildvcs=auto -o reach .

test: ## run every test (says first which tools are missing and what skips; REACH_REQUIRE_MOTO=1 fails without moto)
	@bash scripts/test-tools.sh check
	$(GO) test -count=1 ./...

test-tools: ## install what the tests use beyond Go: moto, the AWS CLI (pip); tmux, zsh, fish, bash-completion, mandoc (apt-get)
	bash scripts/test-tools.sh install

lint: ## gofmt, go vet and staticcheck
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

bench: ## the engine and loader benchmarks recorded in docs/PERFORMANCE.md
	$(GO) test -run '^$$' -bench . -benchmem ./checks/
	REACH_BENCH_1M=1 $(GO) test -run '^$$' -bench . -benchtime 1x -benchmem -timeout 60m ./internal/genaccount/
	REACH_BENCH_100K=1 $(GO) test -run '^$$' -bench Read -benchtime 3x -benchmem ./aws/snapshot/

FLOW_FILE ?= /tmp/reach-flows-1m.log

bench-flows: ## reach flows --file beside awk on one generated 1M-record file, alternately (docs/PERFORMANCE.md)
	@test -s $(FLOW_FILE) || $(GO) run ./scripts/flowgen -n 1000000 > $(FLOW_FILE)
	REACH_FLOW_FILE=$(FLOW_FILE) $(GO) test -run '^$$' -bench 'BenchmarkFlowsFile|BenchmarkAwkSameFile' -benchtime 5x -count 3 ./internal/cli/

fuzz: ## a short run of every fuzz target
	$(GO) test -run '^$$' -fuzz FuzzParseEnd -fuzztime 20s ./checks/
	$(GO) test -run '^$$' -fuzz FuzzNewQuery -fuzztime 20s ./checks/
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 20s ./config/
	$(GO) test -run '^$$' -fuzz FuzzSweepPorts -fuzztime 20s ./internal/cli/
	$(GO) test -run '^$$' -fuzz FuzzParsePort -fuzztime 20s ./tui/screens/sweep/
	$(GO) test -run '^$$' -fuzz FuzzDirectDecoder -fuzztime 20s ./aws/snapshot/

e2e: ## drive the built binary in tmux at 80x24 and read the screen: the demo, reach serve over ssh, then live endpoints (closed, stalled, moto)
	bash scripts/e2e-tui.sh
	bash scripts/e2e-serve.sh
	bash scripts/e2e-live.sh

# Exits with the verdict's status, as reach check does: this path is
# unreachable, so make reports an error (1) after the report.
demo: build ## the main job on the demo account: why can't batch-1 reach the database? (exit status: the verdict's)
	@./reach check --demo --from batch-1 --to 10.0.33.12:5432; status=$$?; \
	echo "exit status $$status (0 reachable, 1 unreachable, 3 unknown)"; exit $$status

docs: man ## regenerate docs/keys.md, docs/reach.1 and the command outputs in docs/*.md
	$(GO) test -count=1 -run TestGeneratedDocs ./internal/cli/ -update

man: ## write the man page, docs/reach.1, from the command tree
	$(GO) run . man > docs/reach.1

release-check: ## validate .goreleaser.yaml (goreleaser check)
	@$(GET_GORELEASER) && "$$gr" check

release-snapshot: ## build every release artefact into dist/ without publishing
	@$(GET_GORELEASER) && "$$gr" release --snapshot --clean
	@cd dist && ls -1 *.tar.gz *.zip *.deb *.rpm checksums.txt

freeze: ## build freeze (FREEZE_VERSION) into GOPATH/bin unless it is there
	@if ! "$(FREEZE)" --version 2>/dev/null | grep -q '$(FREEZE_VERSION:v%=%)'; then \
		GOBIN="$(dir $(FREEZE))" $(GO) install github.com/charmbracelet/freeze@$(FREEZE_VERSION); \
	fi

screenshots: build freeze ## regenerate docs/img/*.png from the demo (tmux + freeze)
	FREEZE="$(FREEZE)" REACH_BIN=./reach bash scripts/screenshots.sh

ci: lint test e2e release-check ## what .ci/run runs
