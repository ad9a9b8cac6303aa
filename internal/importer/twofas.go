package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// twoFASFile is a 2FAS backup. A backup with a password has its services
// in servicesEncrypted and an empty services array.
type twoFASFile struct {
	Services          []json.RawMessage `json:"services"`
	ServicesEncrypted string            `json:"servicesEncrypted"`
}

// twoFASService is one account. Its name is the service name that 2FAS
// shows, and otp.issuer the issuer from the account's QR code, when 2FAS
// kept it.
type twoFASService struct {
	Name   string `json:"name"`
	Secret string `json:"secret"`
	OTP    struct {
		Label     string `json:"label"`
		Account   string `json:"account"`
		Issuer    string `json:"issuer"`
		Digits    *int   `json:"digits"`
		Period    *int   `json:"period"`
		Algorithm string `json:"algorithm"`
		TokenType string `json:"tokenType"`
		Counter   *int64 `json:"counter"`
	} `json:"otp"`
}

var err2FASEncrypted = fmt.Errorf("%w: this 2FAS backup is protected with a password; export it again from 2FAS without a password", ErrEncrypted)

func parse2FAS(text []byte) ([]Entry, error) {
	var file twoFASFile
	if err := json.Unmarshal(text, &file); err != nil {
		return nil, jsonError(err)
	}
	if strings.TrimSpace(file.ServicesEncrypted) != "" {
		return nil, err2FASEncrypted
	}
	if file.Services == nil {
		return nil, errors.New(`no "services" array`)
	}
	return decodeEntries(file.Services, decode2FASService, twoFASLabel), nil
}

func decode2FASService(raw json.RawMessage) (Entry, error) {
	var s twoFASService
	if err := json.Unmarshal(raw, &s); err != nil {
		return Entry{}, jsonError(err)
	}

	// The service name is what the user sees in 2FAS, so it is the issuer;
	// otp.issuer is the fallback.
	issuer := strings.TrimSpace(s.Name)
	if issuer == "" {
		issuer = s.OTP.Issuer
	}
	account := s.OTP.Account
	if strings.TrimSpace(account) == "" {
		_, account = splitLabel(s.OTP.Issuer, s.OTP.Label)
	}

	key, err := keyFields{
		typeName:  s.OTP.TokenType,
		secret:    s.Secret,
		algorithm: s.OTP.Algorithm,
		digits:    s.OTP.Digits,
		period:    s.OTP.Period,
		counter:   s.OTP.Counter,
		issuer:    issuer,
		account:   account,
	}.key()
	return Entry{Key: key}, err
}

func twoFASLabel(raw json.RawMessage) (string, string) {
	return stringField(raw, "name"), stringField(raw, "otp", "account")
}
