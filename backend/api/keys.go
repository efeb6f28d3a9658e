package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/auth"
)

// keyRoutes are a party's API keys, listed by its users and keys, and
// made and revoked by its signed-in users only (a key cannot make keys).
func (s *Server) keyRoutes(r fiber.Router) {
	r.Get("/", s.getKeys)
	r.Post("/", s.requireUser, s.postKey)
	r.Delete("/:id", s.requireUser, s.deleteKey)
}

type keyRequest struct {
	Name string `json:"name"`
}

// newKeyReply shows a new key's secret, this once.
type newKeyReply struct {
	Key    *buycard.APIKey `json:"key"`
	Secret string          `json:"secret"`
}

// getKeys serves GET /v1/keys: the caller's party's keys.
func (s *Server) getKeys(c *fiber.Ctx) error {
	who := callerOf(c)
	keys, err := s.Auth.ListAPIKeys(c.UserContext(), who.PartyKind, who.PartyID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"keys": keys})
}

// postKey serves POST /v1/keys: a new key of the caller's party.
func (s *Server) postKey(c *fiber.Ctx) error {
	var req keyRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	reply, err := s.createKey(c, req.Name)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(reply)
}

// createKey makes a key named name for the caller's party; the console's
// new-key form runs it too.
func (s *Server) createKey(c *fiber.Ctx, name string) (*newKeyReply, error) {
	who := callerOf(c)
	secret, shown, digest := auth.NewAPIKey(s.LiveKeys)
	k := &buycard.APIKey{Prefix: shown, Hash: digest, Name: name, PartyKind: who.PartyKind, PartyID: who.PartyID, CreatedAt: s.Now()}
	if err := s.Auth.CreateAPIKey(c.UserContext(), k); err != nil {
		return nil, err
	}
	return &newKeyReply{Key: k, Secret: secret}, nil
}

// deleteKey serves DELETE /v1/keys/{id}: revokes one of the caller's
// party's keys, effective with the next request that sends it.
func (s *Server) deleteKey(c *fiber.Ctx) error {
	if err := s.revokeKey(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// revokeKey revokes the caller's party's key named by the path's id; the
// console's Revoke button runs it too.
func (s *Server) revokeKey(c *fiber.Ctx) error {
	who := callerOf(c)
	return s.Auth.RevokeAPIKey(c.UserContext(), who.PartyKind, who.PartyID, c.Params("id"), s.Now())
}
