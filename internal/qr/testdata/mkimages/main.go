// Command mkimages generates the QR code test images of package qr.
//
// Run it through ../mkimages.sh, which encodes the payloads with qrencode
// first:
//
//	mkimages payloads                 print name, error correction level and payload, tab-separated
//	mkimages images -codes DIR -out DIR
//
// The images subcommand reads the codes that qrencode wrote to the codes
// directory, one pixel per module without a quiet zone, and draws the test
// images from them. It converts some with ImageMagick's convert and writes
// manifest.tsv: the file, then the expected texts in reading order. Then it
// checks every image with zbarimg and writes the results to zbarimg.tsv.
// Every secret in the payloads is made up. The output is deterministic for
// given versions of the tools.
package main

import (
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"log"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// payload is one text to encode and the error correction level for qrencode.
type payload struct {
	name, level, text string
}

var payloads = []payload{
	{"github", "L", "otpauth://totp/GitHub:alice?secret=6SJGTGRAP7HXI6FU&issuer=GitHub"},
	{"aws", "M", "otpauth://totp/Amazon%20Web%20Services:bob@example.org?secret=E3JMVLHJRRVQ2TQJPWWCHPXUQPEO53UVIL2MYKRVO6EM6DAUZZNA&issuer=Amazon%20Web%20Services"},
	{"google", "M", "otpauth://totp/Google:carol%40example.com?secret=IKFKAE5OCCLM4GD3JTRCSAWBPUBDLISN&issuer=Google&algorithm=SHA1&digits=6&period=30"},
	{"hotp", "Q", "otpauth://hotp/Example%20Corp:dave?secret=Z6GGYYNATPHHELLW&issuer=Example%20Corp&counter=42&digits=8&algorithm=SHA256"},
	{"bank", "H", "otpauth://totp/Bank:erin?secret=23XQCODUBEDXFXKC36UJU2C56Y&algorithm=SHA512&digits=8&period=60&issuer=Bank"},
	{"utf8", "M", "otpauth://totp/Bäckerei Müller:frank@example.de?secret=GGLTHFTKSFHQQ3VG&issuer=Bäckerei Müller"},
	{"gitlab", "L", "otpauth://totp/gitlab.example.com:grace?secret=Y5CAVE5G4OPMMGMH&issuer=gitlab.example.com"},
	{"migration", "M", migrationURI()},
}

// splitPayload is encoded by qrencode as structured append over several
// codes, which the reader must join.
var splitPayload = payload{"split", "L", "otpauth://totp/Split%20Inc:heidi?secret=IA54KYNHGVDCRKCV&issuer=Split%20Inc&period=30&digits=6"}

// migrationURI builds a Google Authenticator export with three accounts: a
// MigrationPayload protocol buffer, base64-encoded into the data parameter.
func migrationURI() string {
	account := func(secret []byte, name, issuer string, digits, kind int) []byte {
		var b []byte
		b = appendBytes(b, 1, secret)
		b = appendBytes(b, 2, []byte(name))
		b = appendBytes(b, 3, []byte(issuer))
		b = appendVarint(b, 4, 1) // algorithm SHA1
		b = appendVarint(b, 5, uint64(digits))
		b = appendVarint(b, 6, uint64(kind)) // 2 is TOTP
		return b
	}
	var msg []byte
	msg = appendBytes(msg, 1, account([]byte("migration-one-secret"), "ivan@example.com", "Example Mail", 1, 2))
	msg = appendBytes(msg, 1, account([]byte("migration-two-secret"), "judy", "Example Chat", 1, 2))
	msg = appendBytes(msg, 1, account([]byte("migration-3-secret!!"), "mallory@example.net", "Example VPN", 2, 2))
	msg = appendVarint(msg, 2, 1) // version
	msg = appendVarint(msg, 3, 1) // batch_size
	msg = appendVarint(msg, 4, 0) // batch_index
	msg = appendVarint(msg, 5, 1234567)
	return "otpauth-migration://offline?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(msg))
}

func appendVarint(b []byte, field int, v uint64) []byte {
	return appendVarintValue(append(b, byte(field<<3)), v)
}

func appendBytes(b []byte, field int, v []byte) []byte {
	b = append(b, byte(field<<3|2))
	b = appendVarintValue(b, uint64(len(v)))
	return append(b, v...)
}

func appendVarintValue(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func main() {
	log.SetFlags(0)
	if len(os.Args) < 2 {
		log.Fatal("usage: mkimages payloads | mkimages images -codes DIR -out DIR")
	}
	switch os.Args[1] {
	case "payloads":
		for _, p := range append(payloads, splitPayload) {
			fmt.Printf("%s\t%s\t%s\n", p.name, p.level, p.text)
		}
	case "images":
		fs := flag.NewFlagSet("images", flag.ExitOnError)
		codes := fs.String("codes", "", "directory with the qrencode output")
		out := fs.String("out", "", "directory to write the images to")
		fs.Parse(os.Args[2:])
		g := &generator{codes: *codes, out: *out}
		g.run()
	default:
		log.Fatalf("unknown subcommand %q", os.Args[1])
	}
}

// entry is one line of the manifest.
type entry struct {
	file  string
	texts []string
}

type generator struct {
	codes, out string
	manifest   []entry
}

func (g *generator) code(name string) matrix {
	return readMatrix(g.readPNG(filepath.Join(g.codes, name+".png")))
}

func (g *generator) text(name string) string {
	for _, p := range append(payloads, splitPayload) {
		if p.name == name {
			return p.text
		}
	}
	log.Fatalf("no payload %q", name)
	return ""
}

func (g *generator) readPNG(path string) image.Image {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		log.Fatalf("%s: %v", path, err)
	}
	return img
}

// save encodes img by the file extension and adds it to the manifest with
// the names of the payloads it shows, in reading order.
func (g *generator) save(file string, img image.Image, quality int, names ...string) {
	var buf bytes.Buffer
	var err error
	switch filepath.Ext(file) {
	case ".png":
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		err = enc.Encode(&buf, img)
	case ".jpg":
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality})
	case ".gif":
		err = gif.Encode(&buf, img, &gif.Options{NumColors: 256})
	case ".bmp":
		err = bmp.Encode(&buf, img)
	case ".tif":
		err = tiff.Encode(&buf, img, &tiff.Options{Compression: tiff.Deflate, Predictor: true})
	default:
		log.Fatalf("%s: no encoder", file)
	}
	if err != nil {
		log.Fatalf("%s: %v", file, err)
	}
	g.write(file, buf.Bytes(), names)
}

func (g *generator) write(file string, data []byte, names []string) {
	if err := os.WriteFile(filepath.Join(g.out, file), data, 0o644); err != nil {
		log.Fatal(err)
	}
	g.record(file, names)
}

func (g *generator) record(file string, names []string) {
	e := entry{file: file}
	for _, n := range names {
		e.texts = append(e.texts, g.text(n))
	}
	g.manifest = append(g.manifest, e)
}

// convert writes img through ImageMagick with the given options, for the
// formats and variants that Go cannot write: WebP, CMYK and progressive JPEG,
// 16-bit and interlaced PNG. A prefix such as "PNG48:" picks the variant of
// the output format.
func (g *generator) convert(file string, img image.Image, options []string, prefix string, names ...string) {
	tmp, err := os.CreateTemp("", "mkimages-*.png")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(tmp.Name())
	if err := png.Encode(tmp, img); err != nil {
		log.Fatal(err)
	}
	tmp.Close()

	// PNG files get no time chunks, so that the output is the same on every
	// run.
	args := append([]string{tmp.Name(), "-define", "png:exclude-chunks=date,time"}, options...)
	args = append(args, prefix+filepath.Join(g.out, file))
	if out, err := exec.Command("convert", args...).CombinedOutput(); err != nil {
		log.Fatalf("convert %s: %v\n%s", file, err, out)
	}
	g.record(file, names)
}

func (g *generator) writeManifest() {
	var b strings.Builder
	b.WriteString("# file\texpected texts in reading order (none: no code)\n")
	for _, e := range g.manifest {
		b.WriteString(e.file)
		for _, t := range e.texts {
			b.WriteString("\t" + t)
		}
		b.WriteString("\n")
	}
	if err := os.WriteFile(filepath.Join(g.out, "manifest.tsv"), []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

// zbarConfigs are the zbarimg settings compared: the defaults, and with the
// search for inverted codes (light on dark) that is off by default.
var zbarConfigs = []struct {
	name string
	args []string
}{
	{"zbarimg", nil},
	{"zbarimg -Stest-inverted", []string{"-Stest-inverted"}},
}

// checkZbar runs zbarimg on every image and records whether it read exactly
// the expected texts, in any order.
func (g *generator) checkZbar() {
	var b strings.Builder
	b.WriteString("# file")
	for _, c := range zbarConfigs {
		b.WriteString("\t" + c.name + ": result, codes read/expected")
	}
	b.WriteString("\n")

	ok := make([]int, len(zbarConfigs))
	for _, e := range g.manifest {
		b.WriteString(e.file)
		for i, c := range zbarConfigs {
			status, read := zbarRead(filepath.Join(g.out, e.file), c.args, e.texts)
			if status == "ok" {
				ok[i]++
			}
			fmt.Fprintf(&b, "\t%s %d/%d", status, read, len(e.texts))
		}
		b.WriteString("\n")
	}
	for i, c := range zbarConfigs {
		summary := fmt.Sprintf("%s read %d of %d images exactly", c.name, ok[i], len(g.manifest))
		fmt.Fprintf(&b, "# %s\n", summary)
		fmt.Println(summary)
	}
	if err := os.WriteFile(filepath.Join(g.out, "zbarimg.tsv"), []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

// zbarRead runs zbarimg on path and compares its output with want. zbarimg
// runs in binary mode because it otherwise guesses a legacy encoding for
// UTF-8 text. In that mode it prints the texts one after the other with no
// separator, so the output is split by matching the expected texts against
// its start.
func zbarRead(path string, extra []string, want []string) (status string, read int) {
	args := append([]string{"--raw", "-q", "-Sdisable", "-Sqrcode.enable", "-Sbinary"}, extra...)
	out, _ := exec.Command("zbarimg", append(args, path)...).Output()
	rest := string(out)
	for rest != "" {
		i := slices.IndexFunc(want, func(t string) bool { return strings.HasPrefix(rest, t) })
		if i < 0 {
			break
		}
		rest = strings.TrimPrefix(rest, want[i])
		read++
	}

	switch {
	case rest != "":
		return "wrong-text", read
	case read == 0 && len(want) > 0:
		return "missed", read
	case read < len(want):
		return "partial", read
	case read > len(want):
		return "duplicate", read
	}
	return "ok", read
}

func gray(v uint8) color.NRGBA { return color.NRGBA{v, v, v, 255} }
