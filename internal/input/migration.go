package input

import (
	"fmt"
	"sort"
	"strings"

	"github.com/totp-cli/totp/internal/migration"
)

// exportBatches records which batches of one Google Authenticator export
// were read.
type exportBatches struct {
	size int
	seen map[int]bool
}

// readMigration reads a Google Authenticator export URI. Each account gets
// a note that its period is assumed, because the format stores none.
func (r *Reader) readMigration(source, uri string) []Item {
	batch, err := migration.Decode(uri)
	if err != nil {
		return []Item{{Source: source, Err: fmt.Errorf("%s: %w", source, err)}}
	}
	r.recordBatch(source, batch)

	var items []Item
	for i, key := range batch.Keys {
		it := Item{Source: fmt.Sprintf("%s entry %d", source, i+1), Key: key}
		if key.Type == "totp" {
			it.Note = fmt.Sprintf("period assumed to be %d s: Google Authenticator exports do not store it", migration.Period)
		}
		items = append(items, it)
	}
	for _, e := range batch.Errors {
		items = append(items, Item{Source: source, Err: fmt.Errorf("%s: %w", source, e)})
	}
	if len(items) == 0 {
		items = append(items, Item{Source: source, Err: fmt.Errorf("%s: the export contains no account", source)})
	}
	return items
}

func (r *Reader) recordBatch(source string, batch migration.Batch) {
	if batch.Size <= 1 {
		return
	}
	if r.batches == nil {
		r.batches = map[int32]*exportBatches{}
	}
	b := r.batches[batch.ID]
	if b == nil {
		b = &exportBatches{size: batch.Size, seen: map[int]bool{}}
		r.batches[batch.ID] = b
	}
	b.seen[batch.Index] = true
	if r.Progress != nil {
		r.Progress(fmt.Sprintf("%s: Google Authenticator export, batch %d of %d", source, batch.Index+1, batch.Size))
	}
}

// MissingBatches describes an export of which some batches were not read.
type MissingBatches struct {
	Size    int
	Missing []int // 1-based batch numbers
}

func (m MissingBatches) String() string {
	nums := make([]string, len(m.Missing))
	for i, n := range m.Missing {
		nums[i] = fmt.Sprint(n)
	}
	noun := "batch"
	if len(m.Missing) > 1 {
		noun = "batches"
	}
	return fmt.Sprintf("Google Authenticator export: %s %s of %d not given; scan the remaining QR codes to add their accounts",
		noun, strings.Join(nums, ", "), m.Size)
}

// Missing returns the Google Authenticator exports of which some batches
// were read and others not. The accounts of a missing batch are not added;
// giving its QR code in another run adds them.
func (r *Reader) Missing() []MissingBatches {
	var out []MissingBatches
	for _, b := range r.batches {
		m := MissingBatches{Size: b.size}
		for i := 0; i < b.size; i++ {
			if !b.seen[i] {
				m.Missing = append(m.Missing, i+1)
			}
		}
		if len(m.Missing) > 0 {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}
