# Switchboard: the two commands of the README.
#   make run   builds the host and starts it on the embedded default (SQLite, config/).
#   make test  builds everything and runs every test; .ci/run calls exactly this.
#   make fuzz  builds the fuzz targets with libFuzzer and ASan and runs each for
#              FUZZ_SECONDS (default 60); not part of make test (docs/fuzzing.md).
#   make install installs a release build for a server: PREFIX (default /usr), SYSCONFDIR
#              (default /etc), DESTDIR (a staging root). See README, "Install on a server".
#   make deb   builds dist/switchboard_VERSION_ARCH.deb from the same install (dpkg-deb).
#   make bench-channels, make bench-hosts: benchmarks (bench/README.md), not part of make test.
SWIFT ?= swift
FUZZ_SECONDS ?= 60

.PHONY: run test build release deps clean fuzz llm-local llm-e2e install deb bench-channels bench-soak bench-hosts

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
	# With a throwaway PostgreSQL (Debian's package; scripts/pg.sh), for the PostgreSQL tests.
	scripts/with-postgres.sh $(SWIFT) test --skip-build
	# The inbox and web chat pages in headless Chromium (Selenium), against the real binary.
	Tests/browser/run.sh
	# make install and make deb into scratch roots, from the debug build (Tests/install/run.sh).
	Tests/install/run.sh

# Real models on loopback for the llm plugin (not part of make test; the first run builds
# llama.cpp from source, minutes on 2 cores): llama.cpp's OpenAI-compatible server with
# Gemma 3 270M on :8000, an embeddings server with all-MiniLM-L6-v2 on :8001.
llm-local:
	@scripts/llm/local.sh serve

# The demo workspace against those real models, end to end: the llm plugin calls llama.cpp
# over the OpenAI wire protocol, reads usage, and the customer is answered or handed off.
llm-e2e: release
	@scripts/llm/e2e.sh

# The channel benchmarks (bench/README.md; not part of make test): Telegram, WhatsApp Web
# through Evolution API and the web chat (open streams' memory, message-to-answer latency
# and throughput), each against its fake, through the release binary. Report the load
# average beside the figures: the machine is shared.
BENCH_SECONDS ?= 10
bench-channels: release
	uptime
	.build/release/loadgen --channels-only --seconds $(BENCH_SECONDS) --telegram 20 --evolution 5 --webchat 100 --webchat-visitors 500
	uptime

# A long closed-loop run through one host (bench/README.md "A function that grew with every
# reply"): 200,000 messages; the per-thread CPU a message at the end shows whether any cost
# grows with the messages since start. Not part of make test (minutes on this machine).
SOAK_MESSAGES ?= 200000
bench-soak: release
	uptime
	.build/release/loadgen --messages $(SOAK_MESSAGES) --connections 16
	uptime

# Several hosts on one PostgreSQL (bench/README.md, "Several hosts on PostgreSQL"; not part of
# make test): the same load through SQLite on one host, then through 1, 2 and 3 hosts on a
# throwaway PostgreSQL (scripts/pg.sh, fsync and synchronous_commit on, pg_stat_statements),
# webhooks round robin over the hosts. Each run prints its load average and a summary line;
# the machine is shared, so compare CPU per message more than messages per second.
BENCH_HOSTS_ARGS ?= --messages 2000 --connections 16 --open-loop --stages --rate 20 --seconds 10
BENCH_WORKSPACES ?= 1
bench-hosts: release
	.build/release/loadgen --store sqlite --hosts 1 --workspaces $(BENCH_WORKSPACES) $(BENCH_HOSTS_ARGS)
	for n in 1 2 3; do .build/release/loadgen --store postgres --hosts $$n --workspaces $(BENCH_WORKSPACES) --idle 10 $(BENCH_HOSTS_ARGS) || exit 1; done

fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) scripts/fuzz.sh $(FUZZ_TARGETS)

PREFIX ?= /usr
SYSCONFDIR ?= /etc
install: release
	@scripts/deps.sh install
	PREFIX=$(PREFIX) SYSCONFDIR=$(SYSCONFDIR) DESTDIR=$(DESTDIR) scripts/install.sh

deb: release
	@scripts/deps.sh install
	scripts/deb.sh

clean:
	rm -rf .build .build-fuzz
