package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

var pdf = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 2000)...)

func open(t *testing.T, maxBytes int64) (*Files, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "files")
	f, err := OpenDir(dir, maxBytes)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, dir
}

// stored lists the regular files under dir.
func stored(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, strings.TrimPrefix(p, dir))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestPutOpenDelete(t *testing.T) {
	f, dir := open(t, 0)
	ctx := context.Background()
	file, err := f.Put(ctx, "guide.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdf)
	want := File{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(pdf)), ContentType: "application/pdf"}
	if file != want {
		t.Fatalf("Put = %+v, want %+v", file, want)
	}
	again, err := f.Put(ctx, "copy.pdf", bytes.NewReader(pdf))
	if err != nil || again != want {
		t.Fatalf("second Put = %+v, %v", again, err)
	}
	if got := stored(t, dir); len(got) != 2 { // the file and fileblob's attributes
		t.Fatalf("stored %v, want one file and its attributes", got)
	}
	r, err := f.Open(ctx, file.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, pdf) {
		t.Fatalf("Open read %d bytes, %v", len(got), err)
	}
	if err := f.Delete(ctx, file.SHA256); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Open(ctx, file.SHA256); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Fatalf("Open after Delete: %v, want not found", err)
	}
	if err := f.Delete(ctx, file.SHA256); err != nil {
		t.Fatalf("Delete of a missing file: %v", err)
	}
	if _, err := f.Open(ctx, "../../etc/passwd"); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Fatalf("Open of a bad key: %v", err)
	}
}

// TestPutRefuses checks that a refused upload leaves nothing behind.
func TestPutRefuses(t *testing.T) {
	f, dir := open(t, 1024)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		body []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"over the cap", pdf, "over"},
		{"executable", append([]byte("MZ\x90\x00"), make([]byte, 600)...), "cannot be delivered"},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "text/html"},
	} {
		_, err := f.Put(ctx, "f", bytes.NewReader(tc.body))
		if buycard.ErrorCode(err) != buycard.EINVALID || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Put = %v, want invalid with %q", tc.name, err, tc.want)
		}
	}
	if got := stored(t, dir); len(got) != 0 {
		t.Fatalf("refused uploads left %v", got)
	}
}

func TestContentType(t *testing.T) {
	zip := []byte("PK\x03\x04rest")
	for _, tc := range []struct {
		name string
		head []byte
		want string
		ok   bool
	}{
		{"book.epub", zip, "application/epub+zip", true},
		{"code.zip", zip, "application/zip", true},
		{"key.txt", []byte("ABCD-EFGH"), "text/plain; charset=utf-8", true},
		{"a.png", []byte("\x89PNG\x0D\x0A\x1A\x0A"), "image/png", true},
		{"page.html", []byte("<html>"), "text/html; charset=utf-8", false},
	} {
		got, ok := ContentType(tc.name, tc.head)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ContentType(%s) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
