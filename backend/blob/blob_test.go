package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/cluster"
	"github.com/buycard/buycard/backend/testenv"
)

var pdf = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 2000)...)

// backends runs test against a Files of each kind with a size cap of
// maxBytes: on local disk (fileblob), and in a bucket of its own on a
// real S3-compatible server, SeaweedFS (s3blob), when it can be had
// (backend/testenv: with CI=true, it must).
func backends(t *testing.T, maxBytes int64, test func(t *testing.T, f *Files)) {
	t.Run("file", func(t *testing.T) {
		t.Parallel()
		f, err := OpenDir(filepath.Join(t.TempDir(), "files"), maxBytes)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		test(t, f)
	})
	t.Run("s3", func(t *testing.T) {
		t.Parallel()
		f, _ := openS3(t, maxBytes)
		test(t, f)
	})
}

// openS3 opens a Files in a folder of its own (a key prefix) of the
// bucket of the package's SeaweedFS, and returns it with its URL. A
// folder rather than a bucket: SeaweedFS takes seconds to make the first
// volume of each bucket.
func openS3(t *testing.T, maxBytes int64) (*Files, string) {
	t.Helper()
	bucket := seaweed.get(t).URL + "&prefix=" + url.QueryEscape(t.Name()+"/")
	f, err := OpenURL(t.Context(), bucket, maxBytes)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, bucket
}

// seaweed is the SeaweedFS server the package's tests share, started by
// the first that needs it and stopped by TestMain.
var seaweed sharedS3

type sharedS3 struct {
	mu  sync.Mutex
	s3  *cluster.S3
	err error
	out testenv.Output
}

func (s *sharedS3) get(t *testing.T) *cluster.S3 {
	t.Helper()
	weed := testenv.ToolSource(t, "weed", cluster.SeaweedModule, cluster.SeaweedPackage)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.s3 == nil && s.err == nil {
		dir, err := os.MkdirTemp("", "blob-seaweedfs-")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		s.s3, s.err = cluster.StartS3(ctx, weed, dir, &s.out)
	}
	if s.err != nil {
		t.Fatalf("SeaweedFS: %v\n%s", s.err, s.out.String())
	}
	return s.s3
}

func (s *sharedS3) close() {
	if s.s3 != nil {
		s.s3.Kill()
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	seaweed.close()
	os.Exit(code)
}

// keys lists every key f's bucket holds.
func keys(t *testing.T, f *Files) []string {
	t.Helper()
	var names []string
	it := f.bucket.List(nil)
	for {
		obj, err := it.Next(t.Context())
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, obj.Key)
	}
}

// read reads the file sha from f.
func read(t *testing.T, f *Files, sha string) []byte {
	t.Helper()
	r, err := f.Open(t.Context(), sha)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPutOpenDelete(t *testing.T) {
	t.Parallel()
	backends(t, 0, testPutOpenDelete)
}

func testPutOpenDelete(t *testing.T, f *Files) {
	ctx := t.Context()
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
	if got := keys(t, f); len(got) != 1 || got[0] != "sha256/"+want.SHA256 {
		t.Fatalf("stored %v, want the file once, under its content key", got)
	}
	if got := read(t, f, file.SHA256); !bytes.Equal(got, pdf) {
		t.Fatalf("Open read %d bytes, want %d", len(got), len(pdf))
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
	t.Parallel()
	backends(t, 1024, testPutRefuses)
}

func testPutRefuses(t *testing.T, f *Files) {
	ctx := t.Context()
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
	if got := keys(t, f); len(got) != 0 {
		t.Fatalf("refused uploads left %v", got)
	}
}

// TestS3SharedByNodes stores a file through one Files and reads and
// deletes it through another on the same bucket, as two nodes of a
// cluster do.
func TestS3SharedByNodes(t *testing.T) {
	t.Parallel()
	a, bucket := openS3(t, 0)
	b, err := OpenURL(t.Context(), bucket, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	file, err := a.Put(t.Context(), "guide.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, b, file.SHA256); !bytes.Equal(got, pdf) {
		t.Fatalf("the other node read %d bytes, want %d", len(got), len(pdf))
	}
	if err := b.Delete(t.Context(), file.SHA256); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Open(t.Context(), file.SHA256); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Fatalf("Open after the other node's Delete: %v, want not found", err)
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
