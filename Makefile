# Switchboard: the two commands of the README.
#   make run   builds the host and starts it on the embedded default (SQLite, config/).
#   make test  builds everything and runs every test; .ci/run calls exactly this.
#   make fuzz  builds the fuzz targets with libFuzzer and ASan and runs each for
#              FUZZ_SECONDS (default 60); not part of make test (docs/fuzzing.md).
SWIFT ?= swift
FUZZ_SECONDS ?= 60

.PHONY: run test build release deps clean fuzz

deps:
	@scripts/deps.sh run

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

run: release
	@scripts/run-demo.sh

test:
	@scripts/deps.sh test
	# Builds every product too (the plugins the tests load, the binary they run).
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	# The inbox and web chat pages in headless Chromium (Selenium), against the real binary.
	Tests/browser/run.sh

fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) scripts/fuzz.sh $(FUZZ_TARGETS)

clean:
	rm -rf .build .build-fuzz
