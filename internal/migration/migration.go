// Package migration reads and writes Google Authenticator exports: the
// otpauth-migration://offline?data=... URIs that the app shows as QR codes
// when it transfers accounts.
//
// The data parameter is base64 of a protobuf message, described in
// migration.proto, with one batch of accounts. An export of many accounts is
// split into several URIs that share a batch ID. The format has no period, so
// every TOTP account is read as a 30-second account, and it has only 6 and
// 8 digit codes and no Steam Guard keys.
//
// Errors never contain a secret or the data parameter, which holds secrets.
package migration

//go:generate go build -o protoc-gen-go.bin google.golang.org/protobuf/cmd/protoc-gen-go
//go:generate protoc --plugin=protoc-gen-go=protoc-gen-go.bin --go_out=. --go_opt=module=github.com/totp-cli/totp/internal/migration migration.proto
//go:generate rm protoc-gen-go.bin

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"

	"github.com/totp-cli/totp/internal/migration/migrationpb"
	"github.com/totp-cli/totp/internal/totp"
)

// Scheme is the URI scheme of Google Authenticator exports.
const Scheme = "otpauth-migration"

// Period is the period in seconds of every TOTP account in an export.
const Period = 30

// ErrInvalidURI is wrapped by every error from Decode, except the errors of
// single accounts in Batch.Errors.
var ErrInvalidURI = errors.New("invalid otpauth-migration URI")

// Batch is the content of one otpauth-migration URI.
type Batch struct {
	// Index is the 0-based position of this batch in the export, and Size
	// the number of batches. Size 0 or 1 means the export is a single batch.
	Index, Size int
	// ID is the batch ID that all batches of one export share.
	ID int32
	// Keys are the accounts that were read, in payload order.
	Keys []totp.Key
	// Errors are the accounts that could not be read, each an *EntryError.
	// The other accounts are in Keys.
	Errors []error
}

// EntryError reports an account of a payload that could not be read. Its
// message names the entry and its label but never the secret.
type EntryError struct {
	// Index is the 1-based position of the account in the payload.
	Index int
	// Label is "issuer:account" or "account" as the payload gives it, with
	// invalid UTF-8 replaced.
	Label string
	Err   error
}

func (e *EntryError) Error() string {
	if e.Label == "" {
		return fmt.Sprintf("entry %d: %v", e.Index, e.Err)
	}
	return fmt.Sprintf("entry %d (%s): %v", e.Index, quoteLabel(e.Label), e.Err)
}

func (e *EntryError) Unwrap() error { return e.Err }

// Decode reads an otpauth-migration URI. Surrounding white space is ignored.
// The data parameter may be percent-encoded or raw, in the standard or the
// URL-safe base64 alphabet, with or without padding. A "+" in raw data stays
// a "+", and a space in it is read as a "+" that another tool decoded as a
// form value.
//
// Decode returns an error wrapping ErrInvalidURI when the URI or its payload
// cannot be read. An account that cannot be read goes to Batch.Errors, and
// the others are still returned.
func Decode(uri string) (Batch, error) {
	payload, err := decodePayload(strings.TrimSpace(uri))
	if err != nil {
		return Batch{}, fmt.Errorf("%w: %w", ErrInvalidURI, err)
	}

	batch, err := batchHeader(payload)
	if err != nil {
		return Batch{}, fmt.Errorf("%w: %w", ErrInvalidURI, err)
	}
	for i, params := range payload.GetOtpParameters() {
		key, err := keyFromParams(params)
		if err != nil {
			batch.Errors = append(batch.Errors, &EntryError{Index: i + 1, Label: rawLabel(params), Err: err})
			continue
		}
		batch.Keys = append(batch.Keys, key)
	}
	return batch, nil
}

// decodePayload checks the scheme and host and unmarshals the data
// parameter.
func decodePayload(uri string) (*migrationpb.Payload, error) {
	query, err := cutPrefix(uri)
	if err != nil {
		return nil, err
	}
	rawData, err := dataParam(query)
	if err != nil {
		return nil, err
	}
	data, err := decodeData(rawData)
	if err != nil {
		return nil, err
	}

	var payload migrationpb.Payload
	if err := proto.Unmarshal(data, &payload); err != nil {
		return nil, fmt.Errorf("data parameter is not a Google Authenticator export payload: %w", err)
	}
	if len(payload.GetOtpParameters()) == 0 {
		return nil, errors.New("payload contains no accounts; check that the whole QR code was scanned")
	}
	return &payload, nil
}

// cutPrefix returns the query of uri after checking that it starts with
// otpauth-migration://offline, in any case, and an optional "/".
func cutPrefix(uri string) (string, error) {
	const prefix = Scheme + "://"
	if len(uri) < len(prefix) || !strings.EqualFold(uri[:len(prefix)], prefix) {
		if len(uri) >= len("otpauth://") && strings.EqualFold(uri[:len("otpauth://")], "otpauth://") {
			return "", errors.New("is an otpauth:// URI of one account, not an otpauth-migration:// export")
		}
		return "", errors.New("does not start with otpauth-migration://")
	}

	hostAndPath, query, found := strings.Cut(uri[len(prefix):], "?")
	if !found {
		return "", errors.New("missing data parameter after otpauth-migration://offline?")
	}
	host := strings.TrimSuffix(hostAndPath, "/")
	if !strings.EqualFold(host, "offline") {
		return "", fmt.Errorf("host is %s, expected offline", quoteLabel(host))
	}
	return query, nil
}

// dataParam returns the raw value of the one data parameter in query. It
// does not use url.ParseQuery, which would turn each "+" of the base64 into
// a space.
func dataParam(query string) (string, error) {
	var value string
	seen := false
	for pair := range strings.SplitSeq(query, "&") {
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err := url.PathUnescape(rawName)
		if err != nil || !strings.EqualFold(name, "data") {
			continue
		}
		if seen {
			return "", errors.New("data parameter appears more than once")
		}
		value, seen = rawValue, true
	}
	if !seen {
		return "", errors.New("missing data parameter")
	}
	return value, nil
}

// decodeData decodes the data parameter's value: percent-decoding, then
// base64 in either alphabet with optional padding.
func decodeData(raw string) ([]byte, error) {
	text, err := url.PathUnescape(raw)
	if err != nil {
		return nil, errors.New("data parameter is not valid percent-encoding; a % must be followed by two hex digits")
	}

	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '\r', '\n', '\t':
			// Line breaks from wrapped text are not part of the data.
		case ' ':
			b.WriteByte('+')
		case '-':
			b.WriteByte('+')
		case '_':
			b.WriteByte('/')
		default:
			b.WriteByte(c)
		}
	}
	normalized := strings.TrimRight(b.String(), "=")
	if normalized == "" {
		return nil, errors.New("data parameter is empty")
	}

	data, err := base64.RawStdEncoding.DecodeString(normalized)
	if err != nil {
		// The decoder's message gives an offset, never the input.
		return nil, fmt.Errorf("data parameter is not valid base64; check that the whole URI was copied: %w", err)
	}
	return data, nil
}

// batchHeader reads and checks the batch fields of payload.
func batchHeader(payload *migrationpb.Payload) (Batch, error) {
	batch := Batch{
		Index: int(payload.GetBatchIndex()),
		Size:  int(payload.GetBatchSize()),
		ID:    payload.GetBatchId(),
	}
	if batch.Size < 0 {
		return Batch{}, fmt.Errorf("batch size is negative (%d)", batch.Size)
	}
	if batch.Index < 0 || batch.Index >= max(batch.Size, 1) {
		return Batch{}, fmt.Errorf("batch index %d is out of range for a batch size of %d", batch.Index, batch.Size)
	}
	return batch, nil
}

// keyFromParams converts one account of a payload into a valid key.
func keyFromParams(params *migrationpb.Payload_OtpParameters) (totp.Key, error) {
	if len(params.GetSecret()) == 0 {
		return totp.Key{}, errors.New("secret is empty")
	}
	name, issuer := params.GetName(), params.GetIssuer()
	if !utf8.Valid(name) {
		return totp.Key{}, errors.New("name is not valid UTF-8")
	}
	if !utf8.Valid(issuer) {
		return totp.Key{}, errors.New("issuer is not valid UTF-8")
	}

	key := totp.Key{Secret: params.GetSecret()}
	var err error
	if key.Type, err = keyType(params.GetType()); err != nil {
		return totp.Key{}, err
	}
	if key.Algorithm, err = algorithm(params.GetAlgorithm()); err != nil {
		return totp.Key{}, err
	}
	if key.Digits, err = digits(params.GetDigits()); err != nil {
		return totp.Key{}, err
	}
	if key.Type == totp.HOTP {
		counter := params.GetCounter()
		if counter < 0 {
			return totp.Key{}, fmt.Errorf("counter is negative (%d)", counter)
		}
		key.Counter = uint64(counter)
	} else {
		key.Period = Period
	}

	key.Issuer, key.Account = splitName(string(name), string(issuer))
	if err := key.Validate(); err != nil {
		return totp.Key{}, err
	}
	return key, nil
}

// keyType maps the type field. An unspecified type is TOTP, the type of
// almost every account and the default that Google Authenticator assumes.
func keyType(value migrationpb.Payload_OtpType) (totp.Type, error) {
	switch value {
	case migrationpb.Payload_OTP_TYPE_UNSPECIFIED, migrationpb.Payload_OTP_TYPE_TOTP:
		return totp.TOTP, nil
	case migrationpb.Payload_OTP_TYPE_HOTP:
		return totp.HOTP, nil
	}
	return "", fmt.Errorf("unknown type value %d; expected 1 (hotp) or 2 (totp)", int32(value))
}

// algorithm maps the algorithm field. Unspecified means SHA1.
func algorithm(value migrationpb.Payload_Algorithm) (totp.Algorithm, error) {
	switch value {
	case migrationpb.Payload_ALGORITHM_UNSPECIFIED, migrationpb.Payload_ALGORITHM_SHA1:
		return totp.SHA1, nil
	case migrationpb.Payload_ALGORITHM_SHA256:
		return totp.SHA256, nil
	case migrationpb.Payload_ALGORITHM_SHA512:
		return totp.SHA512, nil
	case migrationpb.Payload_ALGORITHM_MD5:
		return "", errors.New("algorithm MD5 is not supported; only SHA1, SHA256 and SHA512 are")
	}
	return "", fmt.Errorf("unknown algorithm value %d; expected 1 (SHA1), 2 (SHA256) or 3 (SHA512)", int32(value))
}

// digits maps the digits field. Unspecified means 6.
func digits(value migrationpb.Payload_DigitCount) (int, error) {
	switch value {
	case migrationpb.Payload_DIGIT_COUNT_UNSPECIFIED, migrationpb.Payload_DIGIT_COUNT_SIX:
		return 6, nil
	case migrationpb.Payload_DIGIT_COUNT_EIGHT:
		return 8, nil
	}
	return 0, fmt.Errorf("unknown digits value %d; expected 1 (6 digits) or 2 (8 digits)", int32(value))
}

// splitName splits the name field into issuer and account by the rule for
// otpauth labels. A set issuer field is the issuer. The account is then the
// part of the name after the "issuer:" prefix, or after the first ":" when
// the prefix differs. Without an issuer field, the part before the first ":"
// is the issuer. Surrounding spaces are trimmed.
func splitName(name, issuerField string) (issuer, account string) {
	issuer = strings.TrimSpace(issuerField)
	if issuer != "" {
		if rest, ok := strings.CutPrefix(name, issuer+":"); ok {
			return issuer, strings.TrimSpace(rest)
		}
		if _, rest, ok := strings.Cut(name, ":"); ok {
			return issuer, strings.TrimSpace(rest)
		}
		return issuer, strings.TrimSpace(name)
	}

	if prefix, rest, ok := strings.Cut(name, ":"); ok {
		return strings.TrimSpace(prefix), strings.TrimSpace(rest)
	}
	return "", strings.TrimSpace(name)
}

// rawLabel describes an account for an error message from its name and
// issuer fields, which are not secret.
func rawLabel(params *migrationpb.Payload_OtpParameters) string {
	name := strings.ToValidUTF8(string(params.GetName()), "\uFFFD")
	issuer := strings.ToValidUTF8(string(params.GetIssuer()), "\uFFFD")
	if issuer == "" || strings.HasPrefix(name, issuer+":") {
		return name
	}
	if name == "" {
		return issuer
	}
	return issuer + ":" + name
}

// quoteLabel quotes a label for an error message, cut to 64 bytes so that a
// long value keeps the message on one line.
func quoteLabel(s string) string {
	const maxLen = 64
	if len(s) <= maxLen {
		return fmt.Sprintf("%q", s)
	}
	cut := maxLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q...", s[:cut])
}
