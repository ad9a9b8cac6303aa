package main

import (
	"strings"
	"testing"
	"time"

	"github.com/totp-cli/totp/internal/iostreams"
)

// The expected codes below come from oathtool 2.6.7 (OATH Toolkit), for the
// secret JBSWY3DPEHPK3PXP:
//
//	oathtool --totp -b JBSWY3DPEHPK3PXP -N @1699999940   # 968785, 2 steps before
//	oathtool --totp -b JBSWY3DPEHPK3PXP -N @1699999970   # 822542, 1 step before
//	oathtool --totp -b JBSWY3DPEHPK3PXP -N @1700000000   # 324550
//	oathtool --totp -b JBSWY3DPEHPK3PXP -N @1700000030   # 367665, 1 step after
//	oathtool --totp -b JBSWY3DPEHPK3PXP -N @1700000060   # 870960, 2 steps after
//	oathtool --totp=sha256 -d 8 -b JBSWY3DPEHPK3PXP -N @1700000000   # 32049486
//	oathtool --hotp -b JBSWY3DPEHPK3PXP -c 0 -w 5
//	    # counters 0 to 5: 282760 996554 602287 143627 960129 768897

func TestVerifyTOTP(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", exampleURI)
	e.mustRun("add", "otpauth://totp/Wide:bob?secret=JBSWY3DPEHPK3PXP&issuer=Wide&algorithm=SHA256&digits=8")

	tests := []struct {
		name   string
		args   []string
		status int
		stderr string
	}{
		{"current step", []string{"example", "324550"}, exitOK, ""},
		{"grouped as shown", []string{"example", "324 550"}, exitOK, ""},
		{"one step before", []string{"example", "822542"}, exitOK, ""},
		{"one step after", []string{"example", "367665"}, exitOK, ""},
		{"two steps before", []string{"example", "968785"}, exitFailure,
			"error: code is not valid for example-alice-example-com: it matches no code from 1 step before to 1 step after 2023-11-14T22:13:20Z\n" +
				"hint: check the clock of the device that made the code, or accept codes further off with --window 2\n"},
		{"two steps after", []string{"example", "870960"}, exitFailure, ""},
		{"two steps with window 2", []string{"example", "968785", "--window", "2"}, exitOK, ""},
		{"two steps after with window 2", []string{"example", "870960", "--window", "2"}, exitOK, ""},
		{"window 0 rejects a neighbour", []string{"example", "822542", "--window", "0"}, exitFailure,
			"error: code is not valid for example-alice-example-com: it is not the code of the time step of 2023-11-14T22:13:20Z\n" +
				"hint: check the clock of the device that made the code, or accept codes further off with --window 1\n"},
		{"window 0 accepts the current code", []string{"example", "324550", "--window", "0"}, exitOK, ""},
		{"wrong code", []string{"example", "000000"}, exitFailure, ""},
		{"at another time", []string{"example", "870960", "--at", "1700000060"}, exitOK, ""},
		{"sha256 8 digits", []string{"wide", "32049486"}, exitOK, ""},
		{"sha256 wrong length", []string{"wide", "320494"}, exitFailure,
			"error: code is not valid for wide-bob: it has 6 characters, and the account's codes have 8\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := e.run("", append([]string{"verify"}, tt.args...)...)
			if status != tt.status {
				t.Errorf("exit %d, want %d; stderr:\n%s", status, tt.status, e.stderr)
			}
			if e.stdout.Len() != 0 {
				t.Errorf("stdout not empty: %q", e.stdout)
			}
			if tt.stderr != "" && e.stderr.String() != tt.stderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", e.stderr, tt.stderr)
			}
			if tt.status == exitOK && e.stderr.Len() != 0 {
				t.Errorf("stderr not empty on success: %q", e.stderr)
			}
		})
	}
}

func TestVerifyUsageErrors(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", exampleURI)

	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"letters", []string{"example", "32455O"}, "error: invalid code for example-alice-example-com: it must be 6 digits\n"},
		{"punctuation", []string{"example", "324-550"}, "error: invalid code: it must be the digits that the authenticator shows\n"},
		{"empty", []string{"example", " "}, "error: invalid code: it must be the digits that the authenticator shows\n"},
		{"negative window", []string{"example", "324550", "--window", "-1"}, "error: invalid --window -1: use 0 to 100\n"},
		{"huge window", []string{"example", "324550", "--window", "101"}, "error: invalid --window 101: use 0 to 100\n"},
		{"bad time", []string{"example", "324550", "--at", "yesterday"}, "error: --at: invalid time"},
		{"one argument", []string{"example"}, "error: accepts 2 arg(s), received 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status := e.run("", append([]string{"verify"}, tt.args...)...); status != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", status, exitUsage, e.stderr)
			}
			if !strings.HasPrefix(e.stderr.String(), tt.stderr) {
				t.Errorf("stderr:\n%s\nwant it to start with:\n%s", e.stderr, tt.stderr)
			}
		})
	}
}

func TestVerifyUsesClock(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", exampleURI)

	e.now = time.Unix(1700000060, 0)
	if status := e.run("", "verify", "example", "870960", "--window", "0"); status != exitOK {
		t.Errorf("exit %d at 1700000060; stderr:\n%s", status, e.stderr)
	}
	if status := e.run("", "verify", "example", "324550", "--window", "0"); status != exitFailure {
		t.Errorf("exit %d for an old code, want %d", status, exitFailure)
	}
}

func TestVerifyTerminalMessage(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", exampleURI)

	e.io, e.stdout, e.stderr = iostreams.Test("")
	e.io.ErrTTY = true
	if status := e.runWith("verify", "example", "822542"); status != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", status, e.stderr)
	}
	if got, want := e.stderr.String(), "valid: the code of 1 step earlier\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
}

func TestVerifyHOTPAdvancesCounter(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", "otpauth://hotp/Bank:carol?secret=JBSWY3DPEHPK3PXP&issuer=Bank&counter=0")

	// Counter 1's code, one ahead of the stored counter 0: accepted with
	// the default look-ahead, and the counter moves to 2.
	if status := e.run("", "verify", "bank", "996554"); status != exitOK {
		t.Fatalf("verify counter 1: exit %d; stderr:\n%s", status, e.stderr)
	}

	// The same code again is a replay.
	if status := e.run("", "verify", "bank", "996554"); status != exitFailure {
		t.Errorf("replayed code: exit %d, want %d", status, exitFailure)
	}
	if got, want := e.stderr.String(), "error: code is not valid for bank-carol: it matches none of the counters 2 to 3\n"+
		"hint: if the device made codes that were never used, look further ahead with --window 10\n"; got != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", got, want)
	}

	// totp code continues after the verified code: counter 2.
	if status := e.run("", "code", "bank"); status != exitOK {
		t.Fatalf("code: exit %d; stderr:\n%s", status, e.stderr)
	}
	if got := e.stdout.String(); got != "602287\n" {
		t.Errorf("code after verify = %q, want counter 2's 602287", got)
	}

	// Counter 5's code is 2 ahead of the stored counter 3.
	if status := e.run("", "verify", "bank", "768897"); status != exitFailure {
		t.Errorf("counter 5 with window 1: exit %d, want %d", status, exitFailure)
	}
	if status := e.run("", "verify", "bank", "768897", "--window", "2"); status != exitOK {
		t.Errorf("counter 5 with window 2: exit %d; stderr:\n%s", status, e.stderr)
	}
	if status := e.run("", "code", "bank", "--json"); status != exitOK {
		t.Fatalf("code: exit %d", status)
	}
	if !strings.Contains(e.stdout.String(), `"counter":6`) {
		t.Errorf("code --json after verifying counter 5 = %s, want counter 6", e.stdout)
	}

	if status := e.run("", "verify", "bank", "324550", "--at", "1700000000"); status != exitUsage {
		t.Errorf("--at with hotp: exit %d, want %d", status, exitUsage)
	}
}

func TestVerifyHOTPWindowZero(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", "otpauth://hotp/Bank:carol?secret=JBSWY3DPEHPK3PXP&issuer=Bank&counter=3")

	if status := e.run("", "verify", "bank", "960129", "--window", "0"); status != exitFailure {
		t.Errorf("counter 4 with window 0: exit %d, want %d", status, exitFailure)
	}
	if status := e.run("", "verify", "bank", "143627", "--window", "0"); status != exitOK {
		t.Errorf("counter 3 with window 0: exit %d; stderr:\n%s", status, e.stderr)
	}
}

func TestVerifyUnknownAccount(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", exampleURI)
	if status := e.run("", "verify", "nobody", "324550"); status != exitFailure {
		t.Errorf("exit %d, want %d", status, exitFailure)
	}
	if !strings.Contains(e.stderr.String(), `no account matches "nobody"`) {
		t.Errorf("stderr = %q", e.stderr)
	}
}
