package buycard

import (
	"context"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
)

// WebhookEndpoint is a URL of a merchant's or publisher's own systems
// that receives the events it subscribed to, signed with its secret
// (Standard Webhooks).
type WebhookEndpoint struct {
	ID          string      `json:"id"` // "whe_…"
	PartyKind   string      `json:"-"`
	PartyID     string      `json:"-"`
	URL         string      `json:"url"`
	Description string      `json:"description"`
	EventTypes  []EventType `json:"event_types"`
	// Secret ("whsec_…") signs deliveries. The API shows it when the
	// endpoint is created and when it is rotated, never again.
	Secret string `json:"secret,omitempty"`
	// PreviousSecret signs too until PreviousSecretExpiresAt, so that a
	// receiver has time to switch after a rotation.
	PreviousSecret          string     `json:"-"`
	PreviousSecretExpiresAt *time.Time `json:"previous_secret_expires_at,omitempty"`
	// FailingSince is when deliveries began to fail without a success
	// since; an endpoint failing for WebhookDisableAfter is disabled.
	FailingSince   *time.Time `json:"failing_since,omitempty"`
	DisabledAt     *time.Time `json:"disabled_at,omitempty"`
	DisabledReason string     `json:"disabled_reason,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
}

// Webhook limits.
const (
	// MaxWebhookEndpoints is how many endpoints one party may have.
	MaxWebhookEndpoints = 16
	// WebhookDisableAfter is how long an endpoint may fail every delivery
	// before it is disabled and its owner told.
	WebhookDisableAfter = 5 * 24 * time.Hour
	// WebhookSecretOverlap is how long a rotated secret keeps signing.
	WebhookSecretOverlap = 24 * time.Hour
	maxWebhookURL        = 2048
)

// PartyEventTypes are the event types a merchant's or a publisher's
// endpoints may subscribe to: each party's own events.
func PartyEventTypes(partyKind string) []EventType {
	if partyKind == PartyPublisher {
		return []EventType{EventPayoutPaid, EventShareChanged}
	}
	return []EventType{EventOrderPaid, EventOrderRefunded, EventOrderFulfilled, EventOrderCanceled, EventLowStock}
}

// WebhookEndpointEdit is what a party sets on an endpoint: at creation
// every field, on a change the fields it sends.
type WebhookEndpointEdit struct {
	URL         *string      `json:"url,omitempty"`
	Description *string      `json:"description,omitempty"`
	EventTypes  *[]EventType `json:"event_types,omitempty"`
	// Enabled false disables the endpoint; true enables a disabled one,
	// which clears its failures.
	Enabled *bool `json:"enabled,omitempty"`
}

// Apply applies the edit to e, checked for e's party; production
// requires https and refuses addresses that are not on the public
// internet (the dial refuses them too). Errors: EINVALID.
func (ed *WebhookEndpointEdit) Apply(e *WebhookEndpoint, production bool, now time.Time) error {
	if ed.URL != nil {
		u, err := CheckWebhookURL(*ed.URL, production)
		if err != nil {
			return err
		}
		e.URL = u
	}
	if ed.Description != nil {
		d := strings.TrimSpace(*ed.Description)
		if err := WebhookDescriptionText.Check(d); err != nil {
			return err
		}
		e.Description = d
	}
	if ed.EventTypes != nil {
		types, err := checkEventTypes(*ed.EventTypes, e.PartyKind)
		if err != nil {
			return err
		}
		e.EventTypes = types
	}
	if ed.Enabled != nil {
		e.enable(*ed.Enabled, now)
	}
	if e.URL == "" || len(e.EventTypes) == 0 {
		return Errorf(EINVALID, "An endpoint needs a URL and at least one event type.")
	}
	return nil
}

// enable enables or disables e by its owner's hand.
func (e *WebhookEndpoint) enable(on bool, now time.Time) {
	switch {
	case on:
		e.DisabledAt, e.DisabledReason, e.FailingSince = nil, "", nil
	case e.DisabledAt == nil:
		e.DisabledAt, e.DisabledReason = &now, "Disabled by its owner."
	}
}

// WebhookDescriptionText is an endpoint's description: a note to its
// owner.
var WebhookDescriptionText = TextField{Name: "The description", MaxLength: 200}

// CheckWebhookURL returns raw as an endpoint URL: absolute http(s) with a
// host, no credentials, no fragment; in production https only and a host
// that is not an IP address of a private, loopback or link-local network
// or localhost. Errors: EINVALID.
func CheckWebhookURL(raw string, production bool) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	switch {
	case err != nil || len(raw) > maxWebhookURL || u.Host == "" || u.Opaque != "":
		return "", Errorf(EINVALID, "The endpoint URL must be an absolute URL such as https://example.com/buycard/webhooks.")
	case u.Scheme != "https" && (production || u.Scheme != "http"):
		return "", Errorf(EINVALID, "The endpoint URL must use https.")
	case u.User != nil || u.Fragment != "":
		return "", Errorf(EINVALID, "The endpoint URL must not hold credentials or a fragment.")
	case production && !PublicHost(u.Hostname()):
		return "", Errorf(EINVALID, "The endpoint URL must name a host on the public internet.")
	}
	return u.String(), nil
}

// checkEventTypes returns types without repeats, each one the party may
// subscribe to. Errors: EINVALID.
func checkEventTypes(types []EventType, partyKind string) ([]EventType, error) {
	allowed := PartyEventTypes(partyKind)
	var out []EventType
	for _, t := range types {
		if !slices.Contains(allowed, t) {
			return nil, Errorf(EINVALID, "Unknown event type %q: choose among %s.", t, joinTypes(allowed))
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, Errorf(EINVALID, "Choose at least one event type among %s.", joinTypes(allowed))
	}
	return out, nil
}

func joinTypes(types []EventType) string {
	s := make([]string, len(types))
	for i, t := range types {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// Subscribed reports whether e is enabled and receives events of typ.
func (e *WebhookEndpoint) Subscribed(typ EventType) bool {
	return e.DisabledAt == nil && slices.Contains(e.EventTypes, typ)
}

// WebhookDeliveryStatus is where a delivery stands.
type WebhookDeliveryStatus string

const (
	DeliveryPending   WebhookDeliveryStatus = "pending" // not yet accepted; retried
	DeliverySucceeded WebhookDeliveryStatus = "succeeded"
	DeliveryFailed    WebhookDeliveryStatus = "failed" // every attempt failed, or the endpoint was disabled
)

// WebhookDelivery is one event sent to one endpoint, with the outcome of
// its last attempt.
type WebhookDelivery struct {
	ID         string                `json:"id"` // "whd_…"
	EndpointID string                `json:"endpoint_id"`
	EventID    string                `json:"event_id"`
	EventType  EventType             `json:"event_type"`
	Status     WebhookDeliveryStatus `json:"status"`
	Attempts   int                   `json:"attempts"`
	// ResponseStatus is the HTTP status of the last attempt, 0 when no
	// response came; ResponseBody its first bytes, or why none came.
	ResponseStatus int        `json:"response_status,omitempty"`
	ResponseBody   string     `json:"response_body,omitempty"`
	LatencyMS      int        `json:"latency_ms,omitempty"`
	AttemptedAt    *time.Time `json:"attempted_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
}

// WebhookAttempt is the outcome of one attempt at a delivery.
type WebhookAttempt struct {
	DeliveryID     string
	At             time.Time
	ResponseStatus int
	ResponseBody   string
	Latency        time.Duration
	// OK: the endpoint accepted the event (a 2xx answer).
	OK bool
	// Final: no attempt follows a failure.
	Final bool
}

// WebhookService keeps the parties' endpoints and their deliveries.
// partyKind and partyID scope every call to the caller's own endpoints:
// another party's answers ENOTFOUND like an unknown one.
type WebhookService interface {
	// CreateWebhookEndpoint stores e with a new id. Errors: ECONFLICT
	// (MaxWebhookEndpoints reached).
	CreateWebhookEndpoint(ctx context.Context, e *WebhookEndpoint) error
	// WebhookEndpoints lists the party's endpoints, oldest first.
	WebhookEndpoints(ctx context.Context, partyKind, partyID string) ([]*WebhookEndpoint, error)
	// FindWebhookEndpoint returns one. Errors: ENOTFOUND.
	FindWebhookEndpoint(ctx context.Context, partyKind, partyID, id string) (*WebhookEndpoint, error)
	// UpdateWebhookEndpoint applies edit to the endpoint, locked.
	// Errors: ENOTFOUND, EINVALID.
	UpdateWebhookEndpoint(ctx context.Context, partyKind, partyID, id string, edit func(*WebhookEndpoint) error) (*WebhookEndpoint, error)
	// DeleteWebhookEndpoint deletes it and its deliveries. Errors:
	// ENOTFOUND.
	DeleteWebhookEndpoint(ctx context.Context, partyKind, partyID, id string) error
	// WebhookDeliveries lists an endpoint's deliveries, newest first, at
	// most limit. Errors: ENOTFOUND (endpoint).
	WebhookDeliveries(ctx context.Context, partyKind, partyID, endpointID string, limit int) ([]*WebhookDelivery, error)
	// ResendWebhookDelivery sends a delivery again, as it was (same event
	// id, so a receiver that has it drops it). Errors: ENOTFOUND,
	// ECONFLICT (endpoint disabled).
	ResendWebhookDelivery(ctx context.Context, partyKind, partyID, deliveryID string) (*WebhookDelivery, error)
	// SendTestEvent records a test event for the endpoint alone and
	// delivers it. Errors: ENOTFOUND, ECONFLICT (endpoint disabled).
	SendTestEvent(ctx context.Context, partyKind, partyID, endpointID string) (*WebhookDelivery, error)

	// FindWebhookDelivery returns a delivery with its endpoint and event,
	// for the worker that sends it. Errors: ENOTFOUND.
	FindWebhookDelivery(ctx context.Context, id string) (*WebhookDelivery, *WebhookEndpoint, *Event, error)
	// RecordWebhookAttempt stores an attempt's outcome on its delivery
	// and endpoint: a success clears the endpoint's failures; a failure
	// starts them, and disables an endpoint failing for
	// WebhookDisableAfter, with an event its owner is emailed. It
	// reports whether the endpoint was disabled.
	RecordWebhookAttempt(ctx context.Context, a WebhookAttempt) (disabled bool, err error)
}

// PublicHost reports whether host, a name or an IP address, may be on the
// public internet: not localhost, and not an address PublicAddr refuses.
// A name's addresses are checked again when it is dialed.
func PublicHost(host string) bool {
	if a, err := netip.ParseAddr(host); err == nil {
		return PublicAddr(a)
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host != "localhost" && !strings.HasSuffix(host, ".localhost") && strings.Contains(host, ".")
}

// PublicAddr reports whether a is a public unicast address: not loopback,
// private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (which holds
// the clouds' metadata service, 169.254.169.254), shared (100.64/10),
// unspecified, multicast or otherwise reserved.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range reservedPrefixes() {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// reservedPrefixes are networks no public endpoint is on, beyond those
// netip.Addr's methods name. (A function, not a variable, so that the
// WASMs, which never ask, do not carry its parsing.)
func reservedPrefixes() []netip.Prefix {
	return []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"),
		netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
		netip.MustParsePrefix("192.0.0.0/24"),
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.18.0.0/15"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("240.0.0.0/4"),
		netip.MustParsePrefix("64:ff9b::/96"), // NAT64: could reach any IPv4 address
		netip.MustParsePrefix("2001:db8::/32"),
	}
}
