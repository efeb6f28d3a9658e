// Package mail sends Buycard's emails with go-mail
// (github.com/wneessen/go-mail): over SMTP (BUYCARD_SMTP_URL), or, in
// development with no SMTP server, into a folder of .eml files that any
// mail program opens.
package mail

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one email: a plain text part and an HTML part of the same
// words.
type Message struct {
	// ID makes the Message-ID, so that a message sent again after a
	// failure that hid its success has the same one, which lets mail
	// systems drop the copy.
	ID string
	To string
	// FromName is the name shown with the sender's address: the
	// merchant's for a shopper's email.
	FromName string
	// ReplyTo is where an answer goes: the merchant's support address.
	ReplyTo string
	Subject string
	Text    string
	HTML    string
}

// Sender sends messages.
type Sender interface {
	// Send sends m. An error is worth retrying unless it is Permanent.
	Send(ctx context.Context, m Message) error
}

// Permanent marks an error that sending again will not cure: a message
// the server refuses for good.
type Permanent struct{ Err error }

func (e Permanent) Error() string { return e.Err.Error() }
func (e Permanent) Unwrap() error { return e.Err }

// build makes the go-mail message of m, from the address from.
func build(m Message, from, host string) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.FromFormat(oneLine(m.FromName), from); err != nil {
		return nil, Permanent{fmt.Errorf("from %q: %w", from, err)}
	}
	if err := msg.To(m.To); err != nil {
		return nil, Permanent{fmt.Errorf("to: %w", err)}
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, Permanent{fmt.Errorf("reply-to: %w", err)}
		}
	}
	msg.Subject(oneLine(m.Subject))
	msg.SetMessageIDWithValue(messageID(m.ID, host))
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	return msg, nil
}

// messageID is the Message-ID of the message id sent from host.
func messageID(id, host string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r > '~' || strings.ContainsRune("<>@()\\\",;:[]", r) {
			return '-'
		}
		return r
	}, id) + "@" + host
}

// oneLine is s with its line breaks as spaces: a header holds one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// domain is the host part of an address, for Message-IDs.
func domain(addr string) string {
	if _, host, ok := strings.Cut(addr, "@"); ok && host != "" {
		return host
	}
	return "localhost"
}

// SMTP sends through an SMTP server.
type SMTP struct {
	client *gomail.Client
	from   string
}

// OpenSMTP returns a sender through the server rawURL names:
// smtp://user:pass@host:587 (STARTTLS; required unless insecure) or
// smtps://user:pass@host:465 (TLS from the start). insecure lets a
// development server without TLS (Mailpit) take mail in the clear.
func OpenSMTP(rawURL, from string, insecure bool) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		// The error may quote the URL, password included.
		return nil, errors.New("BUYCARD_SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465")
	}
	if from == "" {
		return nil, errors.New("BUYCARD_MAIL_FROM is required with BUYCARD_SMTP_URL")
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port := u.Port()
	if u.Scheme == "smtps" {
		opts = append(opts, gomail.WithSSL())
		port = cmp.Or(port, "465")
	} else {
		policy := gomail.TLSMandatory
		if insecure {
			policy = gomail.TLSOpportunistic
		}
		opts = append(opts, gomail.WithTLSPolicy(policy))
		port = cmp.Or(port, "587")
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, fmt.Errorf("BUYCARD_SMTP_URL: bad port %q", port)
	}
	opts = append(opts, gomail.WithPort(p))
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		// The strongest mechanism the server offers; a development server
		// in the clear gets the password in the clear (PLAIN), which
		// go-mail's discovery refuses to do.
		auth := gomail.SMTPAuthAutoDiscover
		if insecure {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(user), gomail.WithPassword(pass))
	}
	client, err := gomail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, fmt.Errorf("BUYCARD_SMTP_URL: %w", err)
	}
	return &SMTP{client: client, from: from}, nil
}

// Send sends m over one SMTP connection of its own.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := build(m, s.from, domain(s.from))
	if err != nil {
		return err
	}
	if err := s.client.DialAndSendWithContext(ctx, msg); err != nil {
		// A recipient the server refuses for good (5xx) stays refused.
		var send *gomail.SendError
		if errors.As(err, &send) && !send.IsTemp() && send.Reason == gomail.ErrSMTPRcptTo && send.ErrorCode() >= 500 {
			return Permanent{fmt.Errorf("send mail: %w", err)}
		}
		return fmt.Errorf("send mail: %w", err)
	}
	return nil
}

// Dir writes each message into a folder as an .eml file and logs one line
// naming it: development's mail with no SMTP server.
type Dir struct {
	dir    string
	from   string
	logger *slog.Logger
}

// OpenDir returns a sender into dir, which it creates.
func OpenDir(dir, from string, logger *slog.Logger) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("mail folder: %w", err)
	}
	return &Dir{dir: dir, from: cmp.Or(from, "buycard@localhost"), logger: logger}, nil
}

// Send writes m as DIR/TIME-ID.eml.
func (d *Dir) Send(_ context.Context, m Message) error {
	msg, err := build(m, d.from, domain(d.from))
	if err != nil {
		return err
	}
	name := filepath.Join(d.dir, time.Now().UTC().Format("20060102T150405.000")+"-"+strings.TrimSuffix(messageID(m.ID, ""), "@")+".eml")
	// go-mail writes a message in many small pieces: one write of the
	// file, not a system call each.
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return fmt.Errorf("write mail: %w", err)
	}
	if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write mail: %w", err)
	}
	// The recipient is not logged: a shopper's address is personal data.
	d.logger.Info("mail written, not sent (no BUYCARD_SMTP_URL)", "file", name)
	return nil
}
