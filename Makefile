# The targets are the commands CI runs (.ci/run); `make help` lists them.
GO ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
# GoReleaser is built once from the Go module proxy into GOPATH/bin and
# reused (v2.16.0 is the newest v2 that builds with Go 1.26.8 here: v2.17
# needs a module the proxy refuses, v2.18 needs Go 1.27).
GORELEASER_VERSION ?= v2.16.0
GORELEASER ?= $(shell $(GO) env GOPATH)/bin/goreleaser
# freeze renders the terminal's ANSI screens to PNG for the README.
FREEZE_VERSION ?= v0.2.2
FREEZE ?= $(shell $(GO) env GOPATH)/bin/freeze

.PHONY: help build test lint bench fuzz e2e demo ci docs man release-check release-snapshot screenshots goreleaser freeze

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

build: ## build the reach binary (static)
	CGO_ENABLED=0 $(GO) build -o reach .

test: ## run every test (moto_server tests skip loudly without it; REACH_REQUIRE_MOTO=1 makes them fail)
	$(GO) test -count=1 ./...

lint: ## gofmt, go vet and staticcheck
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

bench: ## the engine and loader benchmarks recorded in docs/PERFORMANCE.md
	$(GO) test -run '^$$' -bench . -benchmem ./checks/

fuzz: ## a short run of every fuzz target
	$(GO) test -run '^$$' -fuzz FuzzParseEnd -fuzztime 20s ./checks/
	$(GO) test -run '^$$' -fuzz FuzzNewQuery -fuzztime 20s ./checks/
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 20s ./config/

e2e: ## drive the built binary in tmux at 80x24 and read the screen
	bash scripts/e2e-tui.sh

demo: build ## the main job on the demo account: why can't batch-1 reach the database?
	./reach check --demo --from batch-1 --to 10.0.33.12:5432; echo "exit status $$? (0 reachable, 1 unreachable, 3 unknown)"

docs: man ## regenerate docs/keys.md, docs/reach.1 and the command outputs in docs/*.md
	$(GO) test -count=1 -run TestGeneratedDocs ./internal/cli/ -update

man: ## write the man page, docs/reach.1, from the command table
	$(GO) run . man > docs/reach.1

goreleaser: ## build GoReleaser (GORELEASER_VERSION) into GOPATH/bin unless it is there
	@if ! "$(GORELEASER)" --version 2>/dev/null | grep -q 'GitVersion: *$(GORELEASER_VERSION)$$'; then \
		echo "building goreleaser $(GORELEASER_VERSION) (once; a few minutes)"; \
		GOBIN="$(dir $(GORELEASER))" $(GO) install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION); \
	fi

release-check: goreleaser ## validate .goreleaser.yaml (goreleaser check)
	"$(GORELEASER)" check

release-snapshot: goreleaser ## build every release artefact into dist/ without publishing
	"$(GORELEASER)" release --snapshot --clean
	@cd dist && ls -1 *.tar.gz *.zip *.deb *.rpm checksums.txt

freeze: ## build freeze (FREEZE_VERSION) into GOPATH/bin unless it is there
	@if ! "$(FREEZE)" --version 2>/dev/null | grep -q '$(FREEZE_VERSION:v%=%)'; then \
		GOBIN="$(dir $(FREEZE))" $(GO) install github.com/charmbracelet/freeze@$(FREEZE_VERSION); \
	fi

screenshots: build freeze ## regenerate docs/img/*.png from the demo (tmux + freeze)
	FREEZE="$(FREEZE)" REACH_BIN=./reach bash scripts/screenshots.sh

ci: lint test e2e release-check ## what .ci/run runs
