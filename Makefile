# Every Go command runs with the toolchain PocketBase v0.40 needs.
export GOTOOLCHAIN := go1.27.3
export CGO_ENABLED ?= 0

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -s -w -X counterpart/internal/version.Version=$(VERSION) -X counterpart/internal/version.Commit=$(COMMIT)
CACHE   ?= $(HOME)/.cache/counterpart-ci

.PHONY: run demo build dist test test-go test-install test-n8n test-ui test-browser ui ui-deps vet lint bench clean

## run: build and start the app on http://127.0.0.1:8090 with embedded defaults
run: build
	./counterpart serve

## demo: like run, with the two demo dealerships loaded
demo: build
	./counterpart seed --demo
	./counterpart serve

build:
	go build -trimpath -ldflags '$(LDFLAGS)' -o counterpart .

## dist: static, version-stamped binaries for linux/amd64 and linux/arm64
dist:
	mkdir -p dist
	GOOS=linux GOARCH=amd64 go build -trimpath -ldflags '$(LDFLAGS)' -o dist/counterpart-linux-amd64 .
	GOOS=linux GOARCH=arm64 go build -trimpath -ldflags '$(LDFLAGS)' -o dist/counterpart-linux-arm64 .

## test: everything CI checks: vet, Go tests with the race detector, the browser tests, the UI's unit tests, shellcheck, the installer test
test: vet ui-deps test-go test-browser test-ui lint test-install test-n8n

vet:
	go vet ./...

# the browser tests run on their own (test-browser): Chromium's load would slow the timing-sensitive tests beside them
test-go:
	CGO_ENABLED=1 go test -race -count=1 -skip '^TestBrowser$$' ./...

lint:
	shellcheck install.sh test/install/run.sh .ci/run test/n8n/run.sh .ci/vulncheck
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt -w these files: $$unformatted" >&2; exit 1; fi

test-install: build
	bash test/install/run.sh ./counterpart

## test-n8n: the real-n8n tier: installs n8n 2.8.4 into $$CACHE/n8n when missing (skips loudly when disk is short), imports n8n/*.json, runs test/n8n
test-n8n:
	CACHE='$(CACHE)' bash test/n8n/run.sh

## ui: build the web app (ui/) into embed/dist, which go:embed puts in the binary; the result is committed
ui: ui-deps
	cd ui && npm run build

# npm ci only when package-lock.json changed since the last install
ui-deps:
	@cd ui && if [ "$$(cat node_modules/.lock-sha256 2>/dev/null)" != "$$(sha256sum package-lock.json | cut -d' ' -f1)" ]; then \
		npm ci --no-audit --no-fund && sha256sum package-lock.json | cut -d' ' -f1 > node_modules/.lock-sha256; fi

## test-ui: the UI's unit tests (Vitest) and type check
test-ui: ui-deps
	cd ui && npm test && npm run check

## test-browser: the browser tests (headless Chromium, axe-core; screenshots to $$COUNTERPART_ARTIFACTS, UPDATE_SCREENSHOTS=1 refreshes docs/screenshots)
test-browser: ui-deps
	go test -count=1 -run '^TestBrowser$$' -v ./hooks/webapp/ ./hooks/security/

## bench: the benchmarks whose figures go in docs/performance.md
bench:
	go test -run '^$$' -bench . -benchtime 3x ./...

.PHONY: fuzz vulncheck

FUZZTIME ?= 10s
## fuzz: every fuzz target (go test -fuzz) for $(FUZZTIME) each; a crasher lands in the package's testdata/fuzz/: fix the bug, commit the file as a regression seed
fuzz:
	@set -e; for pkg in $$(go list ./internal/...); do \
		for target in $$(go test -list '^Fuzz' "$$pkg" | grep '^Fuzz' || true); do \
			echo "==> fuzz $$pkg $$target ($(FUZZTIME))"; \
			go test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) "$$pkg"; \
		done; \
	done

## vulncheck: govulncheck over the module (vuln.go.dev, else a database built from golang.org/x/vulndb via the module proxy)
vulncheck:
	CACHE="$(CACHE)" .ci/vulncheck

clean:
	rm -rf counterpart dist
