package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/codefmt"
	"github.com/totp-cli/totp/internal/export"
	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/migration"
	"github.com/totp-cli/totp/internal/totp"
)

type exportOptions struct {
	*globalOptions

	query string
	// workers is how many secrets to read at once (--workers).
	workers int
	format  string
	qr      bool
	qrDir   string
	yes     bool
}

func newExportCmd(g *globalOptions) *cobra.Command {
	o := &exportOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "export [NAME|FILTER]",
		Short: "Print accounts with their secrets, as URIs, JSON or QR codes",
		Long: `Print accounts with their secrets, to move them to a phone or keep a backup.

Without an argument every account is exported; NAME exports one account, and
a FILTER every account whose name, issuer or account contains it.

This reveals secrets. On a terminal it asks for confirmation first; in a pipe
it needs --yes.

Formats:
  uri        one otpauth URI a line (the default); 'totp add FILE' reads it back
  json       a totp JSON backup; 'totp add FILE' reads it back with the names
  migration  Google Authenticator export URIs (otpauth-migration://), 10
             accounts each, for importing many accounts into a phone at once

--qr draws each URI as a QR code on the terminal; --qr-dir DIR writes PNG
files instead.`,
		Example: `  totp export --yes > backup.txt
  totp export --format json --yes > backup.json
  totp export github --qr
  totp export --format migration --qr
  totp export --format migration --qr-dir ./qr`,
		Args:              usageArgs(cobra.MaximumNArgs(1)),
		ValidArgsFunction: g.completeAccounts(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.query = args[0]
			}
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "uri", "output format: uri, json or migration")
	f.BoolVar(&o.qr, "qr", false, "draw each URI as a QR code on the terminal")
	f.StringVar(&o.qrDir, "qr-dir", "", "write each URI as a QR code PNG file into this directory")
	f.BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation before printing secrets")
	addWorkersFlag(cmd, &o.workers, account.DefaultWorkers)
	return cmd
}

func (o *exportOptions) run(ctx context.Context) error {
	switch o.format {
	case "uri", "json", "migration":
	default:
		return usageErrorf("invalid --format %q: use uri, json or migration", o.format)
	}
	if o.format == "json" && (o.qr || o.qrDir != "") {
		return usageErrorf("--qr and --qr-dir apply to the uri and migration formats, not json")
	}
	if o.qr && o.qrDir != "" {
		return usageErrorf("use either --qr or --qr-dir, not both")
	}

	accounts, keys, err := o.read(ctx)
	if err != nil {
		return err
	}
	if len(accounts) == 0 {
		return fmt.Errorf("no accounts to export")
	}

	if err := o.confirm(len(accounts)); err != nil {
		return err
	}

	switch o.format {
	case "json":
		named := make([]export.NamedKey, len(keys))
		for i := range keys {
			named[i] = export.NamedKey{Name: accounts[i].Name, Key: keys[i]}
		}
		if err := export.WriteJSON(o.IO.Out, named); err != nil {
			return err
		}
	case "uri":
		var items []exportItem
		for i, k := range keys {
			items = append(items, exportItem{name: accounts[i].Name, label: accounts[i].Label(), text: k.URI()})
		}
		if err := o.write(items); err != nil {
			return err
		}
	case "migration":
		items, err := migrationItems(accounts, keys, o.batchSize(keys))
		if err != nil {
			return err
		}
		if err := o.write(items); err != nil {
			return err
		}
	}
	fmt.Fprintf(o.IO.Err, "exported %d accounts\n", len(accounts))
	return nil
}

// read returns the accounts to export with their keys: the account named
// exactly query, else every account that query matches, else every account.
func (o *exportOptions) read(ctx context.Context) ([]account.Account, []totp.Key, error) {
	store, err := o.openStore()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := o.withTimeout(ctx)
	defer cancel()

	if o.query != "" && account.ValidName(o.query) {
		a, key, err := store.Get(ctx, o.query)
		if err == nil {
			return []account.Account{a}, []totp.Key{key}, nil
		}
	}
	results, err := store.ReadMatching(ctx, o.query, o.workers)
	if err != nil {
		return nil, nil, o.explainTimeout(ctx, err)
	}
	if len(results) == 0 && o.query != "" {
		return nil, nil, hint.Wrap(fmt.Errorf("no account matches %q in %s", o.query, store.Vault), "run 'totp list' to see the accounts")
	}

	accounts := make([]account.Account, 0, len(results))
	keys := make([]totp.Key, 0, len(results))
	for _, r := range results {
		if r.Err != nil {
			return nil, nil, o.explainTimeout(ctx, r.Err)
		}
		accounts = append(accounts, r.Account)
		keys = append(keys, r.Key)
	}
	return accounts, keys, nil
}

// confirm requests confirmation before secrets are printed: a yes/no question
// on a terminal, and --yes elsewhere.
func (o *exportOptions) confirm(n int) error {
	if o.yes {
		return nil
	}
	what := "prints"
	if o.qrDir != "" {
		what = "writes files that contain"
	}
	if !o.IO.InTTY || !o.IO.ErrTTY {
		return usageErrorf("export %s secrets; add --yes to confirm when not in a terminal", what)
	}
	fmt.Fprintf(o.IO.Err, "This %s the secrets of %d accounts. Continue? [y/N] ", what, n)
	line, _ := bufio.NewReader(o.IO.In).ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	if answer != "y" && answer != "yes" {
		return errors.New("export cancelled")
	}
	return nil
}

// exportItem is one URI to print or draw.
type exportItem struct {
	name  string // file name stem for --qr-dir
	label string // caption above a QR code
	text  string
}

// batchSize returns how many accounts go into one Google Authenticator
// export URI: 10, or fewer when drawing on a terminal whose width the QR code
// of 10 would exceed.
func (o *exportOptions) batchSize(keys []totp.Key) int {
	if !o.qr {
		return 10
	}
	width := o.IO.Width()
	for n := 10; n > 1; n-- {
		uris, err := migration.Encode(keys[:min(n, len(keys))], n, 0)
		if err != nil {
			return n
		}
		cols, _, err := export.QRTerminalSize(uris[0])
		if err == nil && cols <= width {
			return n
		}
	}
	return 1
}

func migrationItems(accounts []account.Account, keys []totp.Key, perBatch int) ([]exportItem, error) {
	var problems []string
	for i, k := range keys {
		if err := migration.CheckKey(k); err != nil {
			problems = append(problems, fmt.Sprintf("%s (%s)", accounts[i].Name, err))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("these accounts cannot be put into a Google Authenticator export: %s; export them with --format uri instead, or leave them out with a FILTER",
			strings.Join(problems, ", "))
	}

	var id [4]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, err
	}
	uris, err := migration.Encode(keys, perBatch, int32(binary.BigEndian.Uint32(id[:])&0x7fffffff))
	if err != nil {
		return nil, err
	}
	items := make([]exportItem, len(uris))
	for i, u := range uris {
		items[i] = exportItem{
			name:  fmt.Sprintf("migration-%d-of-%d", i+1, len(uris)),
			label: fmt.Sprintf("Google Authenticator export, batch %d of %d", i+1, len(uris)),
			text:  u,
		}
	}
	return items, nil
}

// write prints items as text, draws them as QR codes, or writes PNG files.
func (o *exportOptions) write(items []exportItem) error {
	switch {
	case o.qrDir != "":
		return writeQRFiles(o.qrDir, items, o.IO.Err)
	case o.qr:
		for i, it := range items {
			if i > 0 {
				fmt.Fprintln(o.IO.Out)
			}
			fmt.Fprintln(o.IO.Out, codefmt.Clean(it.label))
			draw := export.QRTerminal
			if o.IO.Color() {
				draw = export.QRTerminalColor
			}
			if err := draw(o.IO.Out, it.text); err != nil {
				return fmt.Errorf("drawing the QR code of %s: %w", it.name, err)
			}
		}
		return nil
	}
	for _, it := range items {
		if _, err := fmt.Fprintln(o.IO.Out, it.text); err != nil {
			return err
		}
	}
	return nil
}

// writeQRFiles writes one PNG file per item into dir, readable by the user only.
func writeQRFiles(dir string, items []exportItem, log io.Writer) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, it := range items {
		path := filepath.Join(dir, it.name+".png")
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("writing QR code: %w", err)
		}
		if err := export.QRPNG(f, it.text, 8); err != nil {
			f.Close()
			os.Remove(path)
			return fmt.Errorf("writing %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		fmt.Fprintf(log, "wrote %s\n", path)
	}
	return nil
}
