// Package blob stores the files a digital product delivers (issue 14),
// content-addressed: a file's key is the hex SHA-256 of its bytes, so an
// upload of the same file twice stores it once and a key names exactly
// one content. Files lives over gocloud.dev/blob: fileblob on local disk
// by default (under the data directory), or an S3-compatible bucket that
// every node of a cluster shares (s3blob: s3://BUCKET?endpoint=…; see
// OpenURL).
//
// Put checks what it is given before anything is kept: the type sniffed
// from the first bytes (http.DetectContentType) must be on the allow-list
// and the size under the cap. The bytes stream to a temporary key while
// they are hashed and counted; only a complete, accepted upload is copied
// to its content key, and the temporary key is always removed.
package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"regexp"
	"strings"

	gcblob "gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/s3blob" // s3:// bucket URLs
	"gocloud.dev/gcerrors"

	"github.com/buycard/buycard"
)

// DefaultMaxBytes is the size cap of a delivered file unless configured.
const DefaultMaxBytes = 100 << 20

// sniffLen is how many bytes http.DetectContentType looks at.
const sniffLen = 512

// File is a stored file's content address and what was sniffed of it.
type File struct {
	SHA256      string // hex, the key
	Size        int64
	ContentType string
}

// Store is the storage of delivered files.
type Store interface {
	// Put reads r to its end (at most the cap), refuses a type not on
	// the allow-list or a file over the cap (EINVALID) without keeping
	// anything, and stores it under its SHA-256. name, the uploader's
	// file name, only refines a sniffed zip into an EPUB.
	Put(ctx context.Context, name string, r io.Reader) (File, error)
	// Open reads the file of a key; ENOTFOUND when there is none.
	Open(ctx context.Context, sha string) (io.ReadCloser, error)
	// Delete removes the file of a key; a key not stored is no error.
	Delete(ctx context.Context, sha string) error
}

// Files is a Store over a gocloud bucket.
type Files struct {
	bucket   *gcblob.Bucket
	maxBytes int64
}

var _ Store = (*Files)(nil)

// OpenDir opens a Store on local disk under dir, creating it.
func OpenDir(dir string, maxBytes int64) (*Files, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	b, err := fileblob.OpenBucket(dir, &fileblob.Options{CreateDir: true, NoTempDir: true})
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", dir, err)
	}
	return New(b, maxBytes), nil
}

// OpenURL opens a Store on the bucket a gocloud URL names: file:///path,
// or s3://BUCKET with, for a server other than AWS's,
// endpoint=http://HOST:PORT, region, use_path_style=true and
// disable_https=true for plain HTTP (gocloud.dev/blob/s3blob and
// gocloud.dev/aws read these). Credentials come from AWS's usual
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, a profile or an
// instance role), or none with anonymous=true.
func OpenURL(ctx context.Context, url string, maxBytes int64) (*Files, error) {
	b, err := gcblob.OpenBucket(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("blob: open bucket: %w", err)
	}
	return New(b, maxBytes), nil
}

// New is a Store over bucket with a size cap of maxBytes
// (DefaultMaxBytes when ≤ 0).
func New(bucket *gcblob.Bucket, maxBytes int64) *Files {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Files{bucket: bucket, maxBytes: maxBytes}
}

// MaxBytes is the size cap.
func (f *Files) MaxBytes() int64 { return f.maxBytes }

// Close closes the bucket.
func (f *Files) Close() error { return f.bucket.Close() }

// allowed are the sniffed types a delivered file may have.
var allowed = map[string]bool{
	"application/pdf":           true,
	"application/zip":           true,
	"application/epub+zip":      true,
	"image/png":                 true,
	"image/jpeg":                true,
	"image/gif":                 true,
	"image/webp":                true,
	"audio/mpeg":                true,
	"audio/wave":                true,
	"audio/aiff":                true,
	"audio/mp4":                 true,
	"application/ogg":           true,
	"video/mp4":                 true,
	"video/webm":                true,
	"video/avi":                 true,
	"text/plain; charset=utf-8": true,
}

// ContentType is the type of a file that starts with head, named name,
// and whether it may be delivered.
func ContentType(name string, head []byte) (string, bool) {
	t := http.DetectContentType(head)
	if t == "application/zip" && strings.EqualFold(path.Ext(name), ".epub") {
		t = "application/epub+zip"
	}
	return t, allowed[t]
}

var keyPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidKey reports whether sha is a content key (64 lower-case hex).
func ValidKey(sha string) bool { return keyPattern.MatchString(sha) }

func contentKey(sha string) string { return "sha256/" + sha }

// Put implements Store.
func (f *Files) Put(ctx context.Context, name string, r io.Reader) (_ File, err error) {
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return File{}, fmt.Errorf("blob: read upload: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return File{}, buycard.Errorf(buycard.EINVALID, "The file is empty.")
	}
	ct, ok := ContentType(name, head)
	if !ok {
		return File{}, buycard.Errorf(buycard.EINVALID,
			"Files of type %s cannot be delivered: upload a PDF, ZIP, EPUB, image, audio, video or plain text file.", ct)
	}
	tmp, err := tempKey()
	if err != nil {
		return File{}, err
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := f.bucket.NewWriter(wctx, tmp, &gcblob.WriterOptions{ContentType: ct})
	if err != nil {
		return File{}, fmt.Errorf("blob: write: %w", err)
	}
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(io.MultiReader(bytes.NewReader(head), r), f.maxBytes+1))
	if err == nil && size > f.maxBytes {
		err = buycard.Errorf(buycard.EINVALID, "The file is over %d MB.", f.maxBytes>>20)
	}
	if err != nil {
		cancel() // a canceled writer keeps nothing
		_ = w.Close()
		return File{}, err
	}
	if err := w.Close(); err != nil {
		return File{}, fmt.Errorf("blob: write: %w", err)
	}
	defer func() {
		if derr := f.bucket.Delete(context.WithoutCancel(ctx), tmp); derr != nil && err == nil {
			err = fmt.Errorf("blob: remove temporary: %w", derr)
		}
	}()
	file := File{SHA256: hex.EncodeToString(h.Sum(nil)), Size: size, ContentType: ct}
	if err := f.bucket.Copy(ctx, contentKey(file.SHA256), tmp, nil); err != nil {
		return File{}, fmt.Errorf("blob: store: %w", err)
	}
	return file, nil
}

// Open implements Store.
func (f *Files) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	if !ValidKey(sha) {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "File not found.")
	}
	r, err := f.bucket.NewReader(ctx, contentKey(sha), nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "File not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("blob: open: %w", err)
	}
	return r, nil
}

// Delete implements Store.
func (f *Files) Delete(ctx context.Context, sha string) error {
	if !ValidKey(sha) {
		return nil
	}
	err := f.bucket.Delete(ctx, contentKey(sha))
	if err == nil || gcerrors.Code(err) == gcerrors.NotFound {
		return nil
	}
	return fmt.Errorf("blob: delete: %w", err)
}

// tempKey is a fresh key for an upload in progress.
func tempKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("blob: %w", err)
	}
	return "incoming/" + hex.EncodeToString(b[:]), nil
}
