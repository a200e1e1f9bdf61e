# mk/attacks.mk - what the adversarial suite (tests/attacks/) builds
# besides the programs: the sandbox probe as a program of its own, which
# tests/attacks/t_sandbox.sh (and others) copy to a root-owned directory
# and name in a rule.

$(BUILD)/tests/helpers/rg-probe: tests/helpers/probe.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -DPROBE_STANDALONE -o $@ $<

check-attacks: $(BUILD)/tests/helpers/rg-probe
