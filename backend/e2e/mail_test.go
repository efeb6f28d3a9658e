package e2e

import (
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/server"
)

// Email in the browser tests: the nodes run without BUYCARD_SMTP_URL, as
// in development, so each email is an .eml file in data/mail beside the
// SQLite database, which the tests read the links from as a person reads
// their inbox.

// mailDir is the folder node m writes its emails into.
func mailDir(t *testing.T, m *server.Main) string {
	t.Helper()
	path, err := m.Config.SQLitePath()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(filepath.Dir(path), "mail")
}

// emailedLink waits until node m has emailed address to a link to path
// (a console path such as "/console/verify#token="), and returns the
// link. A link of an email read before is found again: each test uses
// addresses of its own.
func emailedLink(t *testing.T, m *server.Main, to, path string) string {
	t.Helper()
	dir := mailDir(t, m)
	link := regexp.MustCompile(`https?://[^\s"<>]+` + regexp.QuoteMeta(path) + `[A-Za-z0-9_-]*`)
	deadline := time.Now().Add(20 * time.Second)
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		for _, f := range files {
			if found := link.FindString(emailText(f, to)); found != "" {
				return found
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no email to %s with a link to %s in %s after 20s", to, path, dir)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// emailText is the decoded body of the email in file when it is to the
// address to, "" otherwise (or while the file is being written).
func emailText(file, to string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		return ""
	}
	addr, err := mail.ParseAddress(msg.Header.Get("To"))
	if err != nil || !strings.EqualFold(addr.Address, to) {
		return ""
	}
	return partText(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

// partText decodes a part of an email, and the parts of a multipart one.
func partText(contentType, encoding string, r io.Reader) string {
	mt, params, _ := mime.ParseMediaType(contentType)
	if strings.HasPrefix(mt, "multipart/") {
		var all strings.Builder
		parts := multipart.NewReader(r, params["boundary"])
		for {
			p, err := parts.NextPart() // undoes quoted-printable itself
			if err != nil {
				return all.String()
			}
			all.WriteString(partText(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p))
		}
	}
	switch strings.ToLower(encoding) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	}
	b, _ := io.ReadAll(r)
	return string(b)
}
