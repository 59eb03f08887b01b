# The targets are the commands CI runs (.ci/run); `make help` lists them.
GO ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: help build test lint bench fuzz e2e demo ci

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

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

e2e: ## drive the built binary in tmux at 80x24 and read the screen
	bash scripts/e2e-tui.sh

demo: build ## the main job on the demo account: why can't batch-1 reach the database?
	./reach check --demo --from batch-1 --to 10.0.33.12:5432; echo "exit status $$? (0 reachable, 1 unreachable, 3 unknown)"

ci: lint test e2e ## what .ci/run runs
