# Makefile: ordermend
#
#   make            build every program into build/
#   make demo       install what is missing, build, start the demo console
#   make stop       stop what make demo started
#   make test       install what is missing, build, lint, unit and integration
#                   tests (SANITIZE=1: ASan+UBSan)
#   make bench      the benchmark (tests/bench/run)
#   make install    install into $(DESTDIR)$(PREFIX)
#
# demo and test install the Debian packages first (tests/harness/deps) and
# then build in a second make, so the compile flags pkg-config gives are
# read after the libraries are there, even on a new machine.
#
# Local overrides (compiler, flags, paths) go in local.mk.
-include local.mk

CC       ?= cc
CXX      ?= c++
PREFIX   ?= /usr/local
DATADIR  ?= $(PREFIX)/share/ordermend
PKGS     = libmariadb json-c libsodium inih fcgi libctemplate_nothreads libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

ifeq ($(SANITIZE),1)
BUILD    ?= build-san
SAN      = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT      = -O1 -g
else
BUILD    ?= build
SAN      =
OPT      = -O2 -g
endif

WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS   += -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) $(SAN) -Ilib -I$(BUILD)/gen \
	$(PKG_CFLAGS) -DOM_DATADIR='"$(DATADIR)"' -MMD -MP
CXXFLAGS += -std=c++11 -Wall -Wextra -Werror $(OPT) $(SAN) -Ilib $(PKG_CFLAGS) -MMD -MP
LDFLAGS  += $(SAN)
LDLIBS   = $(PKG_LIBS) -lstdc++

# The library, by layer: the transport core, the domain (no HTTP), and the
# page helpers.  Arrows point down only (make lint checks the includes).
CORE_OBJS = \
	$(BUILD)/lib/core/arena.o \
	$(BUILD)/lib/core/buf.o \
	$(BUILD)/lib/core/cfg.o \
	$(BUILD)/lib/core/daemon.o \
	$(BUILD)/lib/core/db.o \
	$(BUILD)/lib/core/log.o \
	$(BUILD)/lib/core/model.o \
	$(BUILD)/lib/core/req.o \
	$(BUILD)/lib/core/resp.o \
	$(BUILD)/lib/core/text.o \
	$(BUILD)/lib/core/tmpl.o \
	$(BUILD)/lib/core/url.o \
	$(BUILD)/lib/core/util.o

DOMAIN_OBJS = \
	$(BUILD)/lib/domain/actions.o \
	$(BUILD)/lib/domain/actor.o \
	$(BUILD)/lib/domain/agents.o \
	$(BUILD)/lib/domain/anomaly.o \
	$(BUILD)/lib/domain/audit.o \
	$(BUILD)/lib/domain/automation.o \
	$(BUILD)/lib/domain/autorules.o \
	$(BUILD)/lib/domain/calls.o \
	$(BUILD)/lib/domain/callresult.o \
	$(BUILD)/lib/domain/callscripts.o \
	$(BUILD)/lib/domain/campaigns.o \
	$(BUILD)/lib/domain/backtest.o \
	$(BUILD)/lib/domain/casebatch.o \
	$(BUILD)/lib/domain/cases.o \
	$(BUILD)/lib/domain/notify.o \
	$(BUILD)/lib/domain/outbox.o \
	$(BUILD)/lib/domain/prodindex.o \
	$(BUILD)/lib/domain/rules.o \
	$(BUILD)/lib/domain/sessions.o \
	$(BUILD)/lib/domain/shop.o \
	$(BUILD)/lib/domain/silences.o \
	$(BUILD)/lib/domain/timeline.o

UI_OBJS = \
	$(BUILD)/lib/ui/app.o \
	$(BUILD)/lib/ui/auth.o \
	$(BUILD)/lib/ui/page.o \
	$(BUILD)/lib/ui/views.o

LIB = $(BUILD)/lib/libordermend.a

# Every folder in cgi-bin/ is one program (a family of pages): routes.c
# and one file per page.
PROGRAM_NAMES = $(sort $(patsubst cgi-bin/%/routes.c,%,$(wildcard cgi-bin/*/routes.c)))
PROGRAMS = $(PROGRAM_NAMES:%=$(BUILD)/%.fcgi)

DAEMONS = \
	$(BUILD)/mend-scan \
	$(BUILD)/mend-dispatch

TOOLS = \
	$(BUILD)/seed \
	$(BUILD)/upstream-sim

PROBES = \
	$(BUILD)/probe_order.fcgi \
	$(BUILD)/probe_search.fcgi \
	$(BUILD)/probe_action.fcgi

UNIT_TESTS = \
	$(BUILD)/tests/unit_lib \
	$(BUILD)/tests/unit_domain

all: $(PROGRAMS) $(BUILD)/mendctl $(DAEMONS) $(TOOLS) $(BUILD)/ordermend.conf.in

$(LIB): $(CORE_OBJS) $(DOMAIN_OBJS) $(UI_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

define program
$(BUILD)/$(1).fcgi: $(patsubst %.c,$(BUILD)/%.o,$(wildcard cgi-bin/$(1)/*.c)) $(LIB)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach p,$(PROGRAM_NAMES),$(eval $(call program,$(p))))

$(BUILD)/mend-scan: $(BUILD)/bin/mend-scan.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/mend-dispatch: $(BUILD)/bin/mend-dispatch.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/mendctl: $(BUILD)/bin/mendctl.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/seed: $(BUILD)/tools/seed.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lm

# The stand-in for the upstream services (README: The upstream contract):
# its own folder, and libmicrohttpd.
SIM_OBJS = $(patsubst %.c,$(BUILD)/%.o,$(wildcard tools/upstream-sim/*.c))
$(SIM_OBJS): CFLAGS += $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
$(BUILD)/upstream-sim: $(SIM_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs libmicrohttpd)

$(BUILD)/tests/unit_lib: $(BUILD)/tests/unit/test_lib.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs check)

$(BUILD)/tests/unit_domain: $(BUILD)/tests/unit/test_domain.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs check)

# The benchmark's probes compile a page's own files to reuse its statements.
$(BUILD)/probe_%.fcgi: $(BUILD)/tests/bench/probe_%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/bench/%.o: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Wno-unused-function -Icgi-bin -Itests/bench -c -o $@ $<

# One routing source: the programs' mounts (tools/mounts).
$(BUILD)/gen/mounts.h: tools/mounts $(wildcard cgi-bin/*/routes.c)
	@mkdir -p $(@D)
	tools/mounts c > $@.tmp && mv $@.tmp $@

$(BUILD)/ordermend.conf.in: nginx/ordermend.conf.in tools/mounts $(wildcard cgi-bin/*/routes.c)
	@mkdir -p $(@D)
	tools/mounts nginx > $@.loc && \
	    sed -e '/^ *@LOCATIONS@$$/{r $@.loc' -e 'd}' nginx/ordermend.conf.in > $@ && rm $@.loc

$(BUILD)/lib/core/url.o: $(BUILD)/gen/mounts.h

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -c -o $@ $<

deps:
	@tests/harness/deps

demo: deps
	@$(MAKE) --no-print-directory all
	tests/harness/stack demo

stop:
	tests/harness/stack stop

lint:
	@tests/lint

unit: $(UNIT_TESTS)

test: deps
	@$(MAKE) --no-print-directory all unit
	@SANITIZE=$(SANITIZE) BUILD=$(BUILD) tests/run

bench: deps
	@$(MAKE) --no-print-directory all $(PROBES)
	tests/bench/run

install: all
	install -d $(DESTDIR)$(PREFIX)/lib/ordermend $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/static \
		$(DESTDIR)$(DATADIR)/schema/migrations $(DESTDIR)$(DATADIR)/nginx
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/lib/ordermend/
	install -m 755 $(BUILD)/mendctl $(DAEMONS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 templates/*.tpl $(DESTDIR)$(DATADIR)/templates/
	install -m 644 static/* $(DESTDIR)$(DATADIR)/static/
	install -m 644 schema/*.sql $(DESTDIR)$(DATADIR)/schema/
	install -m 644 schema/migrations/*.sql $(DESTDIR)$(DATADIR)/schema/migrations/
	install -m 644 $(BUILD)/ordermend.conf.in nginx/fastcgi.conf nginx/log_format.conf \
		nginx/security_headers.conf \
		$(DESTDIR)$(DATADIR)/nginx/

clean:
	rm -rf build build-san

.PHONY: all deps demo stop lint unit test bench install clean
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
