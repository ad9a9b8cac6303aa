package importer

import (
	"encoding/json"
)

// andOTPEntry is one account of an andOTP plain backup, which is a JSON
// array of these. Backups from andOTP versions before issuers were a field
// have only a label, which may be "issuer:account".
type andOTPEntry struct {
	Secret    string `json:"secret"`
	Issuer    string `json:"issuer"`
	Label     string `json:"label"`
	Digits    *int   `json:"digits"`
	Type      string `json:"type"`
	Algorithm string `json:"algorithm"`
	Period    *int   `json:"period"`
	Counter   *int64 `json:"counter"`
}

func parseAndOTP(text []byte) ([]Entry, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(text, &raw); err != nil {
		return nil, jsonError(err)
	}
	return decodeEntries(raw, decodeAndOTPEntry, andOTPLabel), nil
}

func decodeAndOTPEntry(raw json.RawMessage) (Entry, error) {
	var e andOTPEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return Entry{}, jsonError(err)
	}

	issuer, account := splitLabel(e.Issuer, e.Label)
	key, err := keyFields{
		typeName:  e.Type,
		secret:    e.Secret,
		algorithm: e.Algorithm,
		digits:    e.Digits,
		period:    e.Period,
		counter:   e.Counter,
		issuer:    issuer,
		account:   account,
	}.key()
	return Entry{Key: key}, err
}

func andOTPLabel(raw json.RawMessage) (string, string) {
	return splitLabel(stringField(raw, "issuer"), stringField(raw, "label"))
}
