package local

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/totp-cli/totp/internal/hint"
)

// Limits of the scrypt work factor (log2 of the scrypt cost parameter N).
const (
	// DefaultWorkFactor is the work factor of age's own passphrase
	// encryption.
	DefaultWorkFactor = 18
	// MinWorkFactor and MaxWorkFactor bound the work factor for writing.
	// MaxWorkFactor also bounds the files that Open reads, as in age.
	MinWorkFactor = 10
	MaxWorkFactor = 22
)

// ErrWrongPassphrase is wrapped by the error for a passphrase that does not
// decrypt the vault file.
var ErrWrongPassphrase = errors.New("wrong passphrase")

const passphraseHint = "check the passphrase, and note that totp uses TOTP_PASSPHRASE instead of asking when it is set"

const (
	ageIntro     = "age-encryption.org/v1\n"
	armorHeading = "-----BEGIN AGE ENCRYPTED FILE-----"
)

// seal encrypts plaintext to the passphrase with age's scrypt recipient.
func seal(plaintext, passphrase []byte, workFactor int) ([]byte, error) {
	recipient, err := age.NewScryptRecipient(string(passphrase))
	if err != nil {
		return nil, err
	}
	recipient.SetWorkFactor(workFactor)

	var out bytes.Buffer
	w, err := age.Encrypt(&out, recipient)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// unseal decrypts the age file content read from path with the passphrase.
// It accepts binary and ASCII-armored files. Each error names the path and
// the kind of bad file: not age, another kind of age file, a wrong
// passphrase, truncated or corrupted.
func unseal(path string, data, passphrase []byte) ([]byte, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("local vault %s is an empty file, not an age-encrypted file", path)
	}

	var src io.Reader = bytes.NewReader(data)
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case bytes.HasPrefix(data, []byte(ageIntro)):
	case bytes.HasPrefix(trimmed, []byte(armorHeading)):
		src = armor.NewReader(bytes.NewReader(trimmed))
	default:
		return nil, fmt.Errorf("local vault %s is not an age-encrypted file", path)
	}

	if len(passphrase) == 0 {
		return nil, hint.Wrap(fmt.Errorf("empty passphrase for local vault %s", path), passphraseHint)
	}
	identity, err := age.NewScryptIdentity(string(passphrase))
	if err != nil {
		return nil, err
	}
	identity.SetMaxWorkFactor(MaxWorkFactor)

	r, err := age.Decrypt(src, identity)
	if err != nil {
		return nil, decryptError(path, err)
	}
	plaintext, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("local vault %s is truncated or corrupted: %w", path, err)
	}
	return plaintext, nil
}

func decryptError(path string, err error) error {
	var noMatch *age.NoIdentityMatchError
	if !errors.As(err, &noMatch) {
		return fmt.Errorf("decrypting local vault %s: %w", path, err)
	}
	if len(noMatch.StanzaTypes) == 1 && noMatch.StanzaTypes[0] == "scrypt" {
		return hint.Wrap(fmt.Errorf("%w for local vault %s", ErrWrongPassphrase, path), passphraseHint)
	}
	kinds := strings.Join(noMatch.StanzaTypes, ", ")
	return fmt.Errorf("local vault %s is encrypted to age recipients of type %s, not to a passphrase", path, truncate(kinds, 60))
}
