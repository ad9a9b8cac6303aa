package totp

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// rfcSecret20 is the key of the RFC 4226 test vectors and of the RFC 6238
// SHA1 vectors. RFC 6238 repeats it to 32 bytes for SHA256 and 64 bytes for
// SHA512.
const rfcSecret20 = "12345678901234567890"

func TestHOTPRFC4226(t *testing.T) {
	// RFC 4226, Appendix D: the truncated 31-bit values and 6-digit codes
	// for counters 0 to 9.
	tests := []struct {
		counter   uint64
		truncated string
		code      string
	}{
		{0, "1284755224", "755224"},
		{1, "1094287082", "287082"},
		{2, "137359152", "359152"},
		{3, "1726969429", "969429"},
		{4, "1640338314", "338314"},
		{5, "868254676", "254676"},
		{6, "1918287922", "287922"},
		{7, "82162583", "162583"},
		{8, "673399871", "399871"},
		{9, "645520489", "520489"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("counter %d", tt.counter), func(t *testing.T) {
			if got := HOTPCode([]byte(rfcSecret20), tt.counter, 6, SHA1); got != tt.code {
				t.Errorf("6 digits: got %s, want %s", got, tt.code)
			}

			// With 10 digits the code is the whole truncated value, padded
			// with zeros to 10 digits.
			want10 := fmt.Sprintf("%010s", tt.truncated)
			if got := HOTPCode([]byte(rfcSecret20), tt.counter, 10, SHA1); got != want10 {
				t.Errorf("10 digits: got %s, want %s", got, want10)
			}

			// With 9 digits it is the value modulo 10^9.
			want9 := want10[1:]
			if got := HOTPCode([]byte(rfcSecret20), tt.counter, 9, SHA1); got != want9 {
				t.Errorf("9 digits: got %s, want %s", got, want9)
			}
		})
	}
}

func TestTOTPRFC6238(t *testing.T) {
	// RFC 6238, Appendix B: 8 digits, 30-second period.
	secrets := map[Algorithm]string{
		SHA1:   rfcSecret20,
		SHA256: strings.Repeat(rfcSecret20, 2)[:32],
		SHA512: strings.Repeat(rfcSecret20, 4)[:64],
	}
	tests := []struct {
		unix      int64
		algorithm Algorithm
		code      string
	}{
		{59, SHA1, "94287082"},
		{59, SHA256, "46119246"},
		{59, SHA512, "90693936"},
		{1111111109, SHA1, "07081804"},
		{1111111109, SHA256, "68084774"},
		{1111111109, SHA512, "25091201"},
		{1111111111, SHA1, "14050471"},
		{1111111111, SHA256, "67062674"},
		{1111111111, SHA512, "99943326"},
		{1234567890, SHA1, "89005924"},
		{1234567890, SHA256, "91819424"},
		{1234567890, SHA512, "93441116"},
		{2000000000, SHA1, "69279037"},
		{2000000000, SHA256, "90698825"},
		{2000000000, SHA512, "38618901"},
		{20000000000, SHA1, "65353130"},
		{20000000000, SHA256, "77737706"},
		{20000000000, SHA512, "47863826"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s at %d", tt.algorithm, tt.unix), func(t *testing.T) {
			k := Key{Type: TOTP, Secret: []byte(secrets[tt.algorithm]), Algorithm: tt.algorithm, Digits: 8, Period: 30}
			got, err := k.Code(time.Unix(tt.unix, 0))
			if err != nil {
				t.Fatalf("Code: %v", err)
			}
			if got != tt.code {
				t.Errorf("got %s, want %s", got, tt.code)
			}
		})
	}
}

func TestSteamCodes(t *testing.T) {
	// KeePassXC's tests/TestTotp.cpp records these codes from the Steam
	// mobile app for a throw-away account's secret.
	keePassXCSecret, err := DecodeSecret("63BEDWCQZKTQWPESARIERL5DTTQFCJTK")
	if err != nil {
		t.Fatal(err)
	}
	k := Key{Type: TOTP, Secret: keePassXCSecret, Algorithm: SHA1, Digits: 5, Period: 30, Steam: true}
	for unix, want := range map[int64]string{1511200518: "FR8RV", 1511200714: "9P3VP"} {
		got, err := k.Code(time.Unix(unix, 0))
		if err != nil {
			t.Fatalf("Code at %d: %v", unix, err)
		}
		if got != want {
			t.Errorf("Code at %d: got %s, want %s", unix, got, want)
		}
	}

	// The tests of the MAKS11060/otp TypeScript library use a key of 20 zero
	// bytes.
	zero := Key{Type: TOTP, Secret: make([]byte, 20), Algorithm: SHA1, Digits: 5, Period: 30, Steam: true}
	for counter, want := range map[uint64]string{0: "RYH4D", 1: "DR2DK"} {
		if got := zero.CodeAt(counter); got != want {
			t.Errorf("CodeAt(%d) for a zero key: got %s, want %s", counter, got, want)
		}
	}
}

func TestCodeOathtoolSamples(t *testing.T) {
	// Codes at T=1700000000 computed with oathtool 2.6.7, for example
	// oathtool -b --totp=SHA256 -N @1700000000 JBSWY3DPEHPK3PXP.
	tests := []struct {
		name      string
		secret    string
		algorithm Algorithm
		digits    int
		period    int
		code      string
	}{
		{"sha1", "JBSWY3DPEHPK3PXP", SHA1, 6, 30, "324550"},
		{"sha256", "JBSWY3DPEHPK3PXP", SHA256, 6, 30, "049486"},
		{"period 60", "JBSWY3DPEHPK3PXP", SHA1, 6, 60, "508648"},
		{"period 60 and 8 digits", "JBSWY3DPEHPK3PXP", SHA1, 8, 60, "19508648"},
		{"sha1 second secret", "ORXXI4BNORSXG5BNNNSXSLJRGY", SHA1, 6, 30, "202486"},
		{"sha256 second secret", "ORXXI4BNORSXG5BNNNSXSLJRGY", SHA256, 6, 30, "283951"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secret, err := DecodeSecret(tt.secret)
			if err != nil {
				t.Fatal(err)
			}
			k := Key{Type: TOTP, Secret: secret, Algorithm: tt.algorithm, Digits: tt.digits, Period: tt.period}
			got, err := k.Code(time.Unix(1700000000, 0))
			if err != nil {
				t.Fatalf("Code: %v", err)
			}
			if got != tt.code {
				t.Errorf("got %s, want %s", got, tt.code)
			}
		})
	}
}

func TestCodeHOTPUsesCounter(t *testing.T) {
	k := Key{Type: HOTP, Secret: []byte(rfcSecret20), Algorithm: SHA1, Digits: 6, Counter: 7}

	// The time is ignored, even one before 1970.
	for _, at := range []time.Time{time.Unix(0, 0), time.Unix(1700000000, 0), time.Unix(-5, 0)} {
		got, err := k.Code(at)
		if err != nil {
			t.Fatalf("Code(%v): %v", at, err)
		}
		if got != "162583" {
			t.Errorf("Code(%v): got %s, want RFC 4226 counter 7 code 162583", at, got)
		}
	}
}

func TestCodeBeforeEpoch(t *testing.T) {
	k := Key{Type: TOTP, Secret: []byte(rfcSecret20), Algorithm: SHA1, Digits: 6, Period: 30}
	for _, at := range []time.Time{
		time.Unix(-1, 0),
		time.Unix(0, -1),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		if _, err := k.Code(at); !errors.Is(err, ErrBeforeEpoch) {
			t.Errorf("Code(%v): got error %v, want ErrBeforeEpoch", at, err)
		}
		if _, err := k.Step(at); !errors.Is(err, ErrBeforeEpoch) {
			t.Errorf("Step(%v): got error %v, want ErrBeforeEpoch", at, err)
		}
		if got := k.Remaining(at); got != 0 {
			t.Errorf("Remaining(%v): got %v, want 0", at, got)
		}
	}

	if _, err := k.Code(time.Unix(0, 0)); err != nil {
		t.Errorf("Code at the epoch: %v", err)
	}
}

func TestCodeInvalidKey(t *testing.T) {
	valid := Key{Type: TOTP, Secret: []byte(rfcSecret20), Algorithm: SHA1, Digits: 6, Period: 30}
	tests := map[string]func(*Key){
		"no secret":         func(k *Key) { k.Secret = nil },
		"unknown algorithm": func(k *Key) { k.Algorithm = "MD5" },
		"lower-case sha1":   func(k *Key) { k.Algorithm = "sha1" },
		"5 digits":          func(k *Key) { k.Digits = 5 },
		"11 digits":         func(k *Key) { k.Digits = 11 },
		"zero period":       func(k *Key) { k.Period = 0 },
		"negative period":   func(k *Key) { k.Period = -30 },
		"no type":           func(k *Key) { k.Type = "" },
		"steam 6 digits":    func(k *Key) { k.Steam = true },
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			k := valid
			change(&k)
			code, err := k.Code(time.Unix(1700000000, 0))
			if !errors.Is(err, ErrInvalidKey) {
				t.Errorf("got error %v, want ErrInvalidKey", err)
			}
			if code != "" {
				t.Errorf("got code %q with the error, want none", code)
			}
		})
	}
}

func TestCodeLeadingZeros(t *testing.T) {
	// RFC 6238 Appendix B: SHA1 at 1111111109 is 07081804 with 8 digits.
	k := Key{Type: TOTP, Secret: []byte(rfcSecret20), Algorithm: SHA1, Digits: 8, Period: 30}
	for digits, want := range map[int]string{6: "081804", 7: "7081804", 8: "07081804"} {
		k.Digits = digits
		got, err := k.Code(time.Unix(1111111109, 0))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%d digits: got %s, want %s", digits, got, want)
		}
	}
}

func TestHOTPCodeOutOfRange(t *testing.T) {
	tests := []struct {
		name      string
		digits    int
		algorithm Algorithm
	}{
		{"0 digits", 0, SHA1},
		{"negative digits", -6, SHA1},
		{"11 digits", 11, SHA1},
		{"unknown algorithm", 6, "MD5"},
		{"empty algorithm", 6, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HOTPCode([]byte(rfcSecret20), 0, tt.digits, tt.algorithm); got != "" {
				t.Errorf("got %q, want \"\"", got)
			}
		})
	}
}

func TestStep(t *testing.T) {
	tests := []struct {
		period int
		at     time.Time
		want   uint64
	}{
		{30, time.Unix(0, 0), 0},
		{30, time.Unix(29, 999999999), 0},
		{30, time.Unix(30, 0), 1},
		{30, time.Unix(59, 0), 1},
		{30, time.Unix(1111111109, 0), 37037036},
		{60, time.Unix(1700000000, 0), 28333333},
		{7, time.Unix(1700000000, 0), 242857142},
		{1, time.Unix(1700000000, 500), 1700000000},
		{MaxPeriod, time.Unix(1700000000, 0), 19675},
		{30, time.Unix(20000000000, 0), 666666666},
		// The time zone does not change the step.
		{30, time.Unix(1700000000, 0).In(time.FixedZone("UTC+14", 14*3600)), 56666666},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("period %d at %d.%09d", tt.period, tt.at.Unix(), tt.at.Nanosecond()), func(t *testing.T) {
			k := Key{Type: TOTP, Period: tt.period}
			got, err := k.Step(tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestStepInvalidPeriod(t *testing.T) {
	for _, period := range []int{0, -1, MaxPeriod + 1} {
		k := Key{Type: TOTP, Period: period}
		if _, err := k.Step(time.Unix(1700000000, 0)); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("period %d: got error %v, want ErrInvalidKey", period, err)
		}
	}

	hotp := Key{Type: HOTP, Counter: 3}
	if _, err := hotp.Step(time.Unix(1700000000, 0)); err == nil {
		t.Error("Step of an hotp key: got no error")
	}
}

func TestRemaining(t *testing.T) {
	tests := []struct {
		period int
		at     time.Time
		want   time.Duration
	}{
		{30, time.Unix(0, 0), 30 * time.Second},
		{30, time.Unix(1, 0), 29 * time.Second},
		{30, time.Unix(29, 0), time.Second},
		{30, time.Unix(29, 999999999), time.Nanosecond},
		{30, time.Unix(30, 0), 30 * time.Second},
		{30, time.Unix(1700000000, 250*int64(time.Millisecond)), 9*time.Second + 750*time.Millisecond},
		{60, time.Unix(1700000000, 0), 40 * time.Second},
		{1, time.Unix(5, 1), time.Second - time.Nanosecond},
		{MaxPeriod, time.Unix(86400*3+3600, 0), 23 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("period %d at %d.%09d", tt.period, tt.at.Unix(), tt.at.Nanosecond()), func(t *testing.T) {
			k := Key{Type: TOTP, Period: tt.period}
			if got := k.Remaining(tt.at); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}

	hotp := Key{Type: HOTP}
	if got := hotp.Remaining(time.Unix(100, 0)); got != 0 {
		t.Errorf("hotp key: got %v, want 0", got)
	}
}

func TestRemainingEndsStep(t *testing.T) {
	// Adding Remaining to any time must land on the first instant of the
	// next step.
	k := Key{Type: TOTP, Period: 45}
	for unix := int64(1700000000); unix < 1700000100; unix += 7 {
		at := time.Unix(unix, 123456789)
		step, _ := k.Step(at)
		next := at.Add(k.Remaining(at))
		if got, _ := k.Step(next); got != step+1 {
			t.Errorf("at %v: step after Remaining is %d, want %d", at, got, step+1)
		}
		if got, _ := k.Step(next.Add(-time.Nanosecond)); got != step {
			t.Errorf("at %v: a nanosecond before the end, step is %d, want %d", at, got, step)
		}
	}
}

func TestCodeAtMatchesCode(t *testing.T) {
	k := Key{Type: TOTP, Secret: []byte(rfcSecret20), Algorithm: SHA512, Digits: 7, Period: 17}
	at := time.Unix(1700000000, 0)
	step, err := k.Step(at)
	if err != nil {
		t.Fatal(err)
	}
	code, err := k.Code(at)
	if err != nil {
		t.Fatal(err)
	}
	if got := k.CodeAt(step); got != code {
		t.Errorf("CodeAt(Step(t)) = %s, Code(t) = %s", got, code)
	}
	if next := k.CodeAt(step + 1); next == code {
		// Two consecutive steps share a code with probability 10^-7, and
		// this key's codes are fixed, so equality means the step is unused.
		t.Errorf("CodeAt(step+1) equals CodeAt(step): %s", next)
	}
}
