package importer

import (
	"encoding/json"
	"errors"
	"fmt"
)

// aegisFile is an Aegis vault export. Its db is an object in a plain export
// and a base64 string in an encrypted one. The header, which holds the key
// slots of an encrypted export, is not needed to tell them apart.
type aegisFile struct {
	Version int             `json:"version"`
	DB      json.RawMessage `json:"db"`
}

type aegisDB struct {
	Entries []json.RawMessage `json:"entries"`
}

type aegisEntry struct {
	Type   string `json:"type"`
	Name   string `json:"name"`
	Issuer string `json:"issuer"`
	Info   struct {
		Secret  string `json:"secret"`
		Algo    string `json:"algo"`
		Digits  *int   `json:"digits"`
		Period  *int   `json:"period"`
		Counter *int64 `json:"counter"`
	} `json:"info"`
}

var errAegisEncrypted = fmt.Errorf("%w: this Aegis backup is encrypted; export it again unencrypted with Settings > Import & Export > Export, with encryption turned off", ErrEncrypted)

func parseAegis(text []byte) ([]Entry, error) {
	var file aegisFile
	if err := json.Unmarshal(text, &file); err != nil {
		return nil, jsonError(err)
	}
	if isJSONString(file.DB) {
		return nil, errAegisEncrypted
	}
	if file.Version != 1 {
		return nil, fmt.Errorf("vault version %d is not supported; only version 1 is", file.Version)
	}

	var db aegisDB
	if err := json.Unmarshal(file.DB, &db); err != nil {
		return nil, fmt.Errorf("db: %w", jsonError(err))
	}
	if db.Entries == nil {
		return nil, errors.New(`db has no "entries" array`)
	}
	return decodeEntries(db.Entries, decodeAegisEntry, aegisLabel), nil
}

func decodeAegisEntry(raw json.RawMessage) (Entry, error) {
	var e aegisEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return Entry{}, jsonError(err)
	}
	key, err := keyFields{
		typeName:  e.Type,
		secret:    e.Info.Secret,
		algorithm: e.Info.Algo,
		digits:    e.Info.Digits,
		period:    e.Info.Period,
		counter:   e.Info.Counter,
		issuer:    e.Issuer,
		account:   e.Name,
	}.key()
	return Entry{Key: key}, err
}

func aegisLabel(raw json.RawMessage) (string, string) {
	return stringField(raw, "issuer"), stringField(raw, "name")
}
