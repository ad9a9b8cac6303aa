package migration

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/totp-cli/totp/internal/migration/migrationpb"
	"github.com/totp-cli/totp/internal/totp"
)

// PayloadVersion is the version field that Encode writes. Decode reads any
// version.
const PayloadVersion = 1

// maxListed is the number of accounts that an Encode error names before it
// only counts the rest.
const maxListed = 5

// CheckKey returns an error when k cannot be written to an export. That is
// the case for an invalid key, a Steam Guard key, a period other than 30
// seconds, digits other than 6 or 8, and an HOTP counter above the int64
// range. The error names the problem but not the account.
func CheckKey(k totp.Key) error {
	if err := k.Validate(); err != nil {
		return err
	}
	if k.Steam {
		return errors.New("steam keys are not supported by the format")
	}
	if k.Digits != 6 && k.Digits != 8 {
		return fmt.Errorf("digits is %d, but the format has only 6 and 8", k.Digits)
	}
	if k.Type == totp.TOTP && k.Period != Period {
		return fmt.Errorf("period is %d s, but the format has only %d s", k.Period, Period)
	}
	if k.Type == totp.HOTP && k.Counter > math.MaxInt64 {
		return fmt.Errorf("counter %d is above the format's maximum of %d", k.Counter, int64(math.MaxInt64))
	}
	return nil
}

// Encode writes keys as Google Authenticator export URIs with perBatch keys
// in each (the last may have fewer), all with the given batch ID, which the
// caller picks at random. Ten keys of usual length give a URI of about a
// thousand bytes, which a phone can still scan from a screen.
//
// Encode writes nothing and returns an error that names every key that
// CheckKey rejects, so the caller can leave them out or export them another
// way. The URIs contain the secrets.
func Encode(keys []totp.Key, perBatch int, batchID int32) ([]string, error) {
	if len(keys) == 0 {
		return nil, errors.New("no accounts to export")
	}
	if perBatch < 1 {
		return nil, fmt.Errorf("accounts per batch must be at least 1, got %d", perBatch)
	}
	if err := checkKeys(keys); err != nil {
		return nil, err
	}

	batchCount := (len(keys) + perBatch - 1) / perBatch
	if batchCount > math.MaxInt32 {
		return nil, fmt.Errorf("%d batches are more than the format can number", batchCount)
	}
	uris := make([]string, 0, batchCount)
	for index := range batchCount {
		payload := &migrationpb.Payload{
			Version:    PayloadVersion,
			BatchSize:  int32(batchCount),
			BatchIndex: int32(index),
			BatchId:    batchID,
		}
		end := min((index+1)*perBatch, len(keys))
		for _, k := range keys[index*perBatch : end] {
			payload.OtpParameters = append(payload.OtpParameters, paramsFromKey(k))
		}

		data, err := proto.MarshalOptions{Deterministic: true}.Marshal(payload)
		if err != nil {
			return nil, fmt.Errorf("encoding batch %d of %d: %w", index+1, batchCount, err)
		}
		uris = append(uris, Scheme+"://offline?data="+url.QueryEscape(base64.StdEncoding.EncodeToString(data)))
	}
	return uris, nil
}

// checkKeys returns one error naming every key that CheckKey rejects, or nil.
func checkKeys(keys []totp.Key) error {
	var problems []string
	rejected := 0
	for i, k := range keys {
		err := CheckKey(k)
		if err == nil {
			continue
		}
		rejected++
		if len(problems) < maxListed {
			problems = append(problems, fmt.Sprintf("account %d (%s): %v", i+1, quoteLabel(keyLabel(k)), err))
		}
	}
	if rejected == 0 {
		return nil
	}

	list := strings.Join(problems, "; ")
	if rejected > len(problems) {
		list += fmt.Sprintf("; and %d more", rejected-len(problems))
	}
	return fmt.Errorf("cannot write %d of %d accounts as a Google Authenticator export: %s", rejected, len(keys), list)
}

// paramsFromKey converts a key that CheckKey accepts. The name field is the
// account, with an "issuer:" prefix only when the account contains ":", so
// that Decode splits the name back into the same issuer and account.
func paramsFromKey(k totp.Key) *migrationpb.Payload_OtpParameters {
	name := k.Account
	if strings.Contains(k.Account, ":") {
		name = k.Issuer + ":" + k.Account
	}
	params := &migrationpb.Payload_OtpParameters{
		Secret:    k.Secret,
		Name:      []byte(name),
		Issuer:    []byte(k.Issuer),
		Algorithm: algorithmValue(k.Algorithm),
		Digits:    migrationpb.Payload_DIGIT_COUNT_SIX,
		Type:      migrationpb.Payload_OTP_TYPE_TOTP,
	}
	if k.Digits == 8 {
		params.Digits = migrationpb.Payload_DIGIT_COUNT_EIGHT
	}
	if k.Type == totp.HOTP {
		params.Type = migrationpb.Payload_OTP_TYPE_HOTP
		params.Counter = int64(k.Counter)
	}
	return params
}

func algorithmValue(a totp.Algorithm) migrationpb.Payload_Algorithm {
	switch a {
	case totp.SHA256:
		return migrationpb.Payload_ALGORITHM_SHA256
	case totp.SHA512:
		return migrationpb.Payload_ALGORITHM_SHA512
	}
	return migrationpb.Payload_ALGORITHM_SHA1
}

// keyLabel describes k for an error message without its secret.
func keyLabel(k totp.Key) string {
	if k.Issuer == "" {
		return k.Account
	}
	return k.Issuer + ":" + k.Account
}
