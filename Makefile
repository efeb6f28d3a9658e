# Buycard. `make run` starts everything on the embedded default (SQLite,
# sandbox payments); `make test` runs every test, browser tests included.
GO      ?= go
BIN     := bin
WEB     := $(BIN)/web
WASM    := $(WEB)/app.wasm
CONSOLE := $(WEB)/console.wasm
SERVER  := $(BIN)/buycard
GOFILES := $(shell find . -name '*.go' -not -path './bin/*')
WEBFILES := $(shell find storefront embed backend/demo -type f \( -name '*.css' -o -name '*.js' -o -name '*.svg' -o -name '*.png' \))

.PHONY: run build cluster test vet bench bench-quick mail clean

run: build
	$(SERVER) serve

build: $(SERVER) $(WASM).br $(CONSOLE).br

# Three nodes on the local PostgreSQL and Redis behind Caddy, files in a
# SeaweedFS S3 bucket (backend/cmd/cluster; README, "Operating a
# cluster"). Caddy and SeaweedFS are installed from their Go modules on
# first use. Ctrl-C stops it all.
cluster: build
	$(GO) run -trimpath ./backend/cmd/cluster -buycard $(SERVER)

$(SERVER): $(GOFILES) $(WEBFILES) go.mod go.sum
	$(GO) build -trimpath -o $@ ./backend/cmd/buycard

# The client WASM, served precompressed (below).
# -gcflags=all=-l (no inlining) trades a little speed for a smaller brotli
# download: about 70 KB less, which keeps it inside the 1.45 MB budget.
$(WASM): $(GOFILES) go.mod go.sum
	@mkdir -p $(WEB)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -gcflags=all=-l -o $@ ./wasm

# The console's client WASM (wasm/console): merchants, publishers and the
# admin load it, shoppers never do, so it has no size budget of its own.
$(CONSOLE): $(GOFILES) go.mod go.sum
	@mkdir -p $(WEB)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $@ ./wasm/console

# Both WASMs' brotli and gzip siblings, compressed at once (brotli 11
# takes most of a minute per WASM). precompress keeps a sibling that
# still matches its WASM, so a rebuild that changed no client code is quick.
$(WASM).br $(CONSOLE).br &: $(WASM) $(CONSOLE) $(SERVER)
	$(SERVER) precompress $(WASM) $(CONSOLE)

# vet and test build with -trimpath, as the binaries are: without it the
# clone's directory is part of every package's build, so a second clone or
# worktree recompiles the whole module instead of reusing Go's build cache.
vet:
	test -z "$$(gofmt -l . | grep -v '^bin/')" || (gofmt -l . && exit 1)
	$(GO) vet -trimpath ./...
	GOOS=js GOARCH=wasm $(GO) vet -trimpath ./wasm/... ./storefront ./console/... ./browser

# Browser tests need Chromium; with CI=true they fail rather than skip
# when it is missing (.ci/run installs it). They serve the WASMs as built:
# without the brotli 11 siblings a node compresses them faster at start
# (embed.LoadAsset), so a fresh clone's tests do not wait most of a
# minute for `precompress`; make run and make bench do. The browser
# stories run about 11 minutes under -race on two cores, past go test's
# default 10-minute timeout for a package.
test: $(SERVER) $(WASM) $(CONSOLE) vet
	BUYCARD_WEB_DIR=$(CURDIR)/$(WEB) $(GO) test -trimpath -race -count=1 -timeout 30m ./...

# Benchmarks (bench/): Buycard measured beside baselines run in the same
# invocation. bench writes BENCHMARKS.md and fails when a DESIGN.md budget
# is missed; bench-quick runs a subset and only prints. Both need Chromium,
# and npm for the Shopify Buy Button comparison.
bench: build
	$(GO) run ./bench -web $(WEB) -out BENCHMARKS.md

bench-quick: build
	$(GO) run ./bench -web $(WEB) -quick

# An inbox for development's emails: Mailpit's web UI on :8025, SMTP on
# :1025 (run the node with BUYCARD_SMTP_URL=smtp://127.0.0.1:1025).
mail:
	$(GO) run github.com/axllent/mailpit@v1.33.1 --listen 127.0.0.1:8025 --smtp 127.0.0.1:1025

clean:
	rm -rf $(BIN)
