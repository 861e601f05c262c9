# A thin wrapper: meson does the building.  `make run` and `make test` first
# install whatever Debian 12 lacks (apt, with sudo when not root).

BUILD      ?= build
ASAN_BUILD ?= build-asan
DEMO       ?= $(HOME)/Auspex Demo.auspex

.PHONY: all setup build run test test-gui test-asan clean

all: build

setup:
	@bash .ci/setup.sh

build: setup
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --werror
	ninja -C $(BUILD)

# Opens the app on a copy of the demo project that ships with it, so the
# shipped one stays as it is.
run: build
	@[ -f "$(DEMO)" ] || cp $(BUILD)/data/demo.auspex "$(DEMO)"
	GSETTINGS_SCHEMA_DIR=$(BUILD)/data XDG_DATA_DIRS="$(CURDIR)/$(BUILD)/data/xdg:$${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
	  $(BUILD)/src/app/auspex "$(DEMO)"

# Every suite: GUI tests under Xvfb in the normal build, the non-GUI suites
# again under AddressSanitizer and UndefinedBehaviorSanitizer.
test:
	@bash .ci/setup.sh --test
	@bash .ci/test.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
