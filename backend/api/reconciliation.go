package api

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console"
)

// Reconciliation with the payment provider's money (issue 17, L-08), for
// the admin: the latest runs, the open alerts with their differences, a
// run of any days over, and clearing an alert, which releases the
// payouts it held.

// Reconciliation is the reconciliation as the admin drives it.
type Reconciliation interface {
	buycard.ReconciliationService
	// ReconcileDays reconciles days (buycard.ReconcileDays), each again
	// if it was reconciled before, and returns the runs made. Errors:
	// ECONFLICT (no provider to compare with), a day's failure.
	ReconcileDays(ctx context.Context, days []string, again bool) ([]*buycard.ReconciliationRun, error)
	// HasProvider says whether there is a provider to compare with.
	HasProvider() bool
}

// maxReconciliationRuns and maxClearedAlerts bound the runs (a month of
// days) and the cleared alerts GET /v1/admin/reconciliation lists.
const (
	maxReconciliationRuns = 31
	maxClearedAlerts      = 10
)

// reconciliationReply is GET /v1/admin/reconciliation.
type reconciliationReply struct {
	// Provider is false on a server without Stripe: nothing to compare.
	Provider    bool                           `json:"provider"`
	PayoutsHeld bool                           `json:"payouts_held"`
	Alerts      []*buycard.ReconciliationAlert `json:"alerts"`  // open, oldest first
	Cleared     []*buycard.ReconciliationAlert `json:"cleared"` // the last cleared first
	Runs        []*buycard.ReconciliationRun   `json:"runs"`    // newest day first
}

// reconciliationRoutes registers /v1/admin/reconciliation in the admin
// group a.
func (s *Server) reconciliationRoutes(a fiber.Router) {
	if s.Reconciliation == nil {
		return
	}
	a.Get("/reconciliation", s.getReconciliation)
	a.Post("/reconciliation/runs", s.postReconciliationRuns)
	a.Post("/reconciliation/alerts/:id/clear", s.postClearAlert)
}

// getReconciliation serves GET /v1/admin/reconciliation.
func (s *Server) getReconciliation(c *fiber.Ctx) error {
	reply, err := s.reconciliationState(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(reply)
}

func (s *Server) reconciliationState(ctx context.Context) (*reconciliationReply, error) {
	alerts, err := s.Reconciliation.OpenReconciliationAlerts(ctx)
	if err != nil {
		return nil, err
	}
	runs, err := s.Reconciliation.ReconciliationRuns(ctx, maxReconciliationRuns)
	if err != nil {
		return nil, err
	}
	cleared, err := s.Reconciliation.ClearedReconciliationAlerts(ctx, maxClearedAlerts)
	if err != nil {
		return nil, err
	}
	return &reconciliationReply{Provider: s.Reconciliation.HasProvider(), PayoutsHeld: len(alerts) > 0,
		Alerts: nonNilList(alerts), Cleared: nonNilList(cleared), Runs: nonNilList(runs)}, nil
}

// payoutsHeld says whether an open reconciliation alert holds payouts.
func (s *Server) payoutsHeld(ctx context.Context) (bool, error) {
	if s.Reconciliation == nil {
		return false, nil
	}
	alerts, err := s.Reconciliation.OpenReconciliationAlerts(ctx)
	return len(alerts) > 0, err
}

// reconcileRequest is the body of POST /v1/admin/reconciliation/runs:
// the days to reconcile, from and to (UTC, to "" for one day).
type reconcileRequest struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// postReconciliationRuns serves POST /v1/admin/reconciliation/runs: it
// reconciles the days now, again if they were reconciled, and answers
// with their runs.
func (s *Server) postReconciliationRuns(c *fiber.Ctx) error {
	var req reconcileRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	runs, err := s.reconcile(c, req)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"runs": runs})
}

// reconcile runs req's days; the console's form runs it too. A day's
// failure is its run's (status failed, with its error); a run that
// could not be made at all is the error.
func (s *Server) reconcile(c *fiber.Ctx, req reconcileRequest) ([]*buycard.ReconciliationRun, error) {
	days, err := buycard.ReconcileDays(req.From, req.To, s.Now().UTC())
	if err != nil {
		return nil, err
	}
	runs, err := s.Reconciliation.ReconcileDays(c.UserContext(), days, true)
	switch {
	case len(runs) == 0 && err != nil:
		return nil, err
	case len(runs) == 0:
		return nil, buycard.Errorf(buycard.ECONFLICT, "Another run is reconciling these days now. Look again in a minute.")
	}
	return runs, nil
}

// clearRequest is the body of POST
// /v1/admin/reconciliation/alerts/{id}/clear.
type clearRequest struct {
	Note string `json:"note"`
}

// postClearAlert serves POST /v1/admin/reconciliation/alerts/{id}/clear:
// the admin has looked into the differences; the note says what was
// found or done. Payouts run again once no alert is open.
func (s *Server) postClearAlert(c *fiber.Ctx) error {
	var req clearRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.clearAlert(c, req.Note); err != nil {
		return err
	}
	reply, err := s.reconciliationState(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(reply)
}

// clearAlert clears the alert of the path's id, by the caller; the
// console's form runs it too.
func (s *Server) clearAlert(c *fiber.Ctx, note string) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return buycard.Errorf(buycard.ENOTFOUND, "Alert %q not found.", c.Params("id"))
	}
	return s.Reconciliation.ClearReconciliationAlert(c.UserContext(), id, clearedBy(c), note, s.Now().UTC())
}

// clearedBy names who clears an alert: the admin's email, or the
// operator key.
func clearedBy(c *fiber.Ctx) string {
	if who := callerOf(c); who != nil && who.User != nil {
		return who.User.Email
	}
	return "operator key"
}

// postReconcileForm is the reconciliation page's run form
// (console.ReconcileFields): the days are reconciled as for the page's
// WASM, and the page shows again with their runs.
func (s *Server) postReconcileForm(c *fiber.Ctx) error {
	from, to := console.ReconcileForm(postedFields(c, console.ReconcileFields))
	if _, err := s.reconcile(c, reconcileRequest{From: from, To: to}); err != nil {
		return s.consoleFormFailed(c, reconciliationPage, err, console.ReconcileFields...)
	}
	return s.consoleSaved(c, reconciliationPage)
}

// postClearAlertForm is an alert's clear form (console.AlertNoteField):
// the browser goes back to the page, the alert cleared, or the page shows
// the refusal with the note as typed.
func (s *Server) postClearAlertForm(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	field := console.AlertNoteField(id)
	if err := s.clearAlert(c, c.FormValue(field)); err != nil {
		return s.consoleFormFailed(c, reconciliationPage, err, field)
	}
	return s.consoleSeeOther(c, console.Base+reconciliationPage)
}

// reconciliationPage is the console's reconciliation page.
const reconciliationPage = "/admin/reconciliation"
