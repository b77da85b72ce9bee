# Every Go command runs with the toolchain PocketBase v0.40 needs.
export GOTOOLCHAIN := go1.27.3
export CGO_ENABLED ?= 0

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -s -w -X counterpart/internal/version.Version=$(VERSION) -X counterpart/internal/version.Commit=$(COMMIT)
CACHE   ?= $(HOME)/.cache/counterpart-ci

.PHONY: run demo build dist test test-go test-install vet lint bench clean

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

## test: everything CI checks: vet, Go tests with the race detector, shellcheck, the installer test
test: vet test-go lint test-install

vet:
	go vet ./...

test-go:
	CGO_ENABLED=1 go test -race -count=1 ./...

lint:
	shellcheck install.sh test/install/run.sh .ci/run

test-install: build
	bash test/install/run.sh ./counterpart

## bench: the benchmarks whose figures go in docs/performance.md
bench:
	go test -run '^$$' -bench . -benchtime 3x ./...

clean:
	rm -rf counterpart dist
