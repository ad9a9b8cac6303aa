package local

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/totp-cli/totp/internal/vault"
)

// Benchmarks at the default work factor, where scrypt dominates. Run with
//
//	go test -run '^$' -bench . -benchtime 3x ./internal/vault/local/

// BenchmarkUnsealDefault measures one decryption, the cost of the first read
// of a vault file.
func BenchmarkUnsealDefault(b *testing.B) {
	data, err := seal([]byte(`{"format":"totp-vault","version":1,"secrets":[]}`), []byte(testPassphrase), DefaultWorkFactor)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := unseal("bench.age", data, []byte(testPassphrase)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddToExistingVault measures what one `totp add` process does to
// a vault of 50 accounts: open it, decrypt it, add one secret and write it.
func BenchmarkAddToExistingVault(b *testing.B) {
	path := filepath.Join(b.TempDir(), "vault.age")
	pass := func(bool) ([]byte, error) { return []byte(testPassphrase), nil }
	ctx := context.Background()

	v, err := Open(path, Options{Passphrase: pass, WorkFactor: DefaultWorkFactor})
	if err != nil {
		b.Fatal(err)
	}
	var accounts []vault.Secret
	for i := range 50 {
		accounts = append(accounts, secret(fmt.Sprintf("account-%d", i), "otpauth://totp/x"))
	}
	if _, err := v.SetMany(ctx, accounts); err != nil {
		b.Fatal(err)
	}

	i := 0
	for b.Loop() {
		v, err := Open(path, Options{Passphrase: pass, WorkFactor: DefaultWorkFactor})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.Set(ctx, secret(fmt.Sprintf("new-%d", i), "otpauth://totp/x")); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
