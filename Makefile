# Makefile: ordermend
#
#   make            build every program into build/
#   make demo       install what is missing, build, start the demo console
#   make stop       stop what make demo started
#   make test       lint, unit tests, integration tests (SANITIZE=1: ASan+UBSan)
#   make bench      the benchmark (tests/bench/run)
#   make install    install into $(DESTDIR)$(PREFIX)
#
# Local overrides (compiler, flags, paths) go in local.mk.
-include local.mk

CC       ?= cc
CXX      ?= c++
PREFIX   ?= /usr/local
DATADIR  ?= $(PREFIX)/share/ordermend
PKGS     = libmariadb json-c libsodium inih fcgi libctemplate_nothreads
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
CFLAGS   += -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) $(SAN) -Ilib $(PKG_CFLAGS) \
	-DOM_DATADIR='"$(DATADIR)"' -MMD -MP
CXXFLAGS += -std=c++11 -Wall -Wextra -Werror $(OPT) $(SAN) -Ilib $(PKG_CFLAGS) -MMD -MP
LDFLAGS  += $(SAN)
LDLIBS   = $(PKG_LIBS) -lstdc++

LIB_OBJS = \
	$(BUILD)/lib/actions.o \
	$(BUILD)/lib/app.o \
	$(BUILD)/lib/arena.o \
	$(BUILD)/lib/anomaly.o \
	$(BUILD)/lib/audit.o \
	$(BUILD)/lib/auth.o \
	$(BUILD)/lib/buf.o \
	$(BUILD)/lib/cases.o \
	$(BUILD)/lib/cfg.o \
	$(BUILD)/lib/db.o \
	$(BUILD)/lib/log.o \
	$(BUILD)/lib/model.o \
	$(BUILD)/lib/prodindex.o \
	$(BUILD)/lib/req.o \
	$(BUILD)/lib/resp.o \
	$(BUILD)/lib/shop.o \
	$(BUILD)/lib/timeline.o \
	$(BUILD)/lib/tmpl.o \
	$(BUILD)/lib/url.o \
	$(BUILD)/lib/util.o

# Every file in cgi-bin/ is one program (a family of pages).
PROGRAMS = $(patsubst cgi-bin/%.c,$(BUILD)/%.fcgi,$(sort $(wildcard cgi-bin/*.c)))

MENDCTL_OBJS = \
	$(BUILD)/bin/mendctl.o \
	$(BUILD)/bin/seed.o

PROBES = \
	$(BUILD)/probe_order.fcgi \
	$(BUILD)/probe_search.fcgi

UNIT_TESTS = \
	$(BUILD)/tests/unit_lib

DAEMONS = \
	$(BUILD)/mend-scan

all: $(PROGRAMS) $(BUILD)/mendctl $(DAEMONS)

$(BUILD)/mend-scan: $(BUILD)/bin/mend-scan.o $(BUILD)/lib/libordermend.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)


$(BUILD)/lib/libordermend.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.fcgi: $(BUILD)/cgi-bin/%.o $(BUILD)/lib/libordermend.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/mendctl: $(MENDCTL_OBJS) $(BUILD)/lib/libordermend.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/unit_lib: $(BUILD)/tests/unit/test_lib.o $(BUILD)/lib/libordermend.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs check)

# The benchmark's probes compile a page's own file to reuse its statements.
$(BUILD)/probe_%.fcgi: $(BUILD)/tests/bench/probe_%.o $(BUILD)/lib/libordermend.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/bench/%.o: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Wno-unused-function -Itests/bench -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -c -o $@ $<

deps:
	@tests/harness/deps

demo: deps all
	tests/harness/stack demo

stop:
	tests/harness/stack stop

lint:
	@tests/lint

unit: $(UNIT_TESTS)

test: all unit
	@SANITIZE=$(SANITIZE) BUILD=$(BUILD) tests/run

bench: all $(PROBES)
	tests/bench/run

install: all
	install -d $(DESTDIR)$(PREFIX)/lib/ordermend $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/static \
		$(DESTDIR)$(DATADIR)/schema/migrations
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/lib/ordermend/
	install -m 755 $(BUILD)/mendctl $(DAEMONS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 templates/*.tpl $(DESTDIR)$(DATADIR)/templates/
	install -m 644 static/* $(DESTDIR)$(DATADIR)/static/
	install -m 644 schema/*.sql $(DESTDIR)$(DATADIR)/schema/
	install -m 644 schema/migrations/*.sql $(DESTDIR)$(DATADIR)/schema/migrations/

clean:
	rm -rf build build-san

.PHONY: all deps demo stop lint unit test bench install clean
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
