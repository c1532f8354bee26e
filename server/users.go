package server

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// User management for administrators: users, their roles, their API tokens.
// Every change is audited.

// listUsers serves GET /api/users.
func (s *Server) listUsers(c echo.Context) error {
	acc, err := s.accounts()
	if err != nil {
		return err
	}
	us, err := acc.Users(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return writeJSON(c, http.StatusOK, mediaJSON, map[string]any{"users": us, "roles": layers.Roles()})
}

// createUser serves POST /api/users with {"name", "roles", "password"}; the
// password may be left out for a user who will only hold API tokens.
func (s *Server) createUser(c echo.Context) error {
	acc, err := s.accounts()
	if err != nil {
		return err
	}
	var in struct {
		Name     string        `json:"name"`
		Roles    []layers.Role `json:"roles"`
		Password string        `json:"password"`
	}
	if err := s.decodeBody(c, &in, `{"name": "李明", "roles": ["operator"], "password": "…"}`); err != nil {
		return err
	}
	u := layers.User{Name: in.Name, Roles: in.Roles}
	if err := layers.CheckUser(u); err != nil {
		return err
	}
	hash := ""
	if in.Password != "" {
		if hash, err = layers.HashPassword(in.Password); err != nil {
			return err
		}
	}
	u, err = acc.CreateUser(c.Request().Context(), u, hash)
	s.audit(c, layers.AuditEvent{Action: layers.ActionUserCreate, Target: auditName(in.Name), Outcome: outcome(err),
		Detail: detail(map[string]any{"roles": roleStrings(in.Roles), "password": in.Password != "", "error": errorString(err)})})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", s.href(c, "/api/users/"+strconv.FormatInt(u.ID, 10), nil))
	return writeJSON(c, http.StatusCreated, mediaJSON, u)
}

// updateUser serves PATCH /api/users/{id} with any of {"roles",
// "disabled", "password"}. Administrators cannot disable themselves or take
// their own admin role away, so the last one cannot lock everyone out by a
// slip; another administrator (or `onemap admin`) can.
func (s *Server) updateUser(c echo.Context) error {
	const op = "server.updateUser"
	ctx := c.Request().Context()
	acc, u, err := s.pathUser(c)
	if err != nil {
		return err
	}
	var in struct {
		Roles    *[]layers.Role `json:"roles"`
		Disabled *bool          `json:"disabled"`
		Password *string        `json:"password"`
	}
	if err := s.decodeBody(c, &in, `{"roles": ["operator", "planner"], "disabled": false}`); err != nil {
		return err
	}
	if in.Roles == nil && in.Disabled == nil && in.Password == nil {
		return layers.Errorf(layers.Invalid, op, "send at least one of roles, disabled and password")
	}
	changed := u
	if in.Roles != nil {
		changed.Roles = *in.Roles
	}
	if in.Disabled != nil {
		changed.Disabled = *in.Disabled
	}
	if me := principalOf(c).user; me != nil && me.ID == u.ID &&
		(changed.Disabled || slices.Contains(u.Roles, layers.RoleAdmin) && !slices.Contains(changed.Roles, layers.RoleAdmin)) {
		return layers.Errorf(layers.Conflict, op, "you cannot disable your own account or take away your own admin role; another administrator can")
	}
	hash := ""
	if in.Password != nil {
		if hash, err = layers.HashPassword(*in.Password); err != nil {
			return err
		}
	}
	if in.Roles != nil || in.Disabled != nil {
		changed, err = acc.UpdateUser(ctx, changed)
	}
	if err == nil && in.Password != nil {
		err = acc.SetPassword(ctx, u.ID, hash)
	}
	s.audit(c, layers.AuditEvent{Action: layers.ActionUserUpdate, Target: u.Name, Outcome: outcome(err),
		Detail: detail(map[string]any{"roles_before": roleStrings(u.Roles), "roles": roleStrings(changed.Roles),
			"disabled": changed.Disabled, "password_changed": in.Password != nil, "error": errorString(err)})})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, changed)
}

// listTokens serves GET /api/users/{id}/tokens: the tokens without their
// secrets, which the server does not have.
func (s *Server) listTokens(c echo.Context) error {
	acc, u, err := s.pathUser(c)
	if err != nil {
		return err
	}
	ts, err := acc.Tokens(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return writeJSON(c, http.StatusOK, mediaJSON, map[string]any{"user": u, "tokens": ts})
}

// tokenAnswer is the answer to a new token: the only time its secret is
// shown.
type tokenAnswer struct {
	Token  layers.Token `json:"token"`
	Secret string       `json:"secret"`
	Note   string       `json:"note"`
}

// createToken serves POST /api/users/{id}/tokens with {"name",
// "expires_in_days"}: a new API token whose secret is in this answer only.
func (s *Server) createToken(c echo.Context) error {
	const op = "server.createToken"
	acc, u, err := s.pathUser(c)
	if err != nil {
		return err
	}
	var in struct {
		Name          string `json:"name"`
		ExpiresInDays int    `json:"expires_in_days"`
	}
	if err := s.decodeBody(c, &in, `{"name": "QGIS 规划科", "expires_in_days": 90}`); err != nil {
		return err
	}
	if in.ExpiresInDays < 0 || in.ExpiresInDays > 3650 {
		return layers.Errorf(layers.Invalid, op, "expires_in_days must be from 1 to 3650, or 0 for a token that does not expire")
	}
	tok, secret, err := layers.IssueToken(c.Request().Context(), acc, u.ID, in.Name, time.Duration(in.ExpiresInDays)*24*time.Hour)
	s.audit(c, layers.AuditEvent{Action: layers.ActionTokenCreate, Target: u.Name, Outcome: outcome(err),
		Detail: detail(map[string]any{"token": tok.ID, "name": in.Name, "expires_in_days": in.ExpiresInDays, "error": errorString(err)})})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return writeJSON(c, http.StatusCreated, mediaJSON, tokenAnswer{Token: tok, Secret: secret,
		Note: "store the secret now: the server keeps only its hash and cannot show it again"})
}

// deleteToken serves DELETE /api/users/{id}/tokens/{tokenId}.
func (s *Server) deleteToken(c echo.Context) error {
	const op = "server.deleteToken"
	acc, u, err := s.pathUser(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("tokenId"), 10, 64)
	if err != nil || id <= 0 {
		return layers.Errorf(layers.NotFound, op, "there is no token %q; token IDs are positive whole numbers", c.Param("tokenId"))
	}
	err = acc.DeleteToken(c.Request().Context(), u.ID, id)
	s.audit(c, layers.AuditEvent{Action: layers.ActionTokenDelete, Target: u.Name, Outcome: outcome(err),
		Detail: detail(map[string]any{"token": id, "error": errorString(err)})})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// pathUser is the accounts store and the user of the id path parameter.
func (s *Server) pathUser(c echo.Context) (layers.Accounts, layers.User, error) {
	acc, err := s.accounts()
	if err != nil {
		return nil, layers.User{}, err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, layers.User{}, layers.Errorf(layers.NotFound, "server.pathUser", "there is no user %q; user IDs are positive whole numbers (GET /api/users lists them)", c.Param("id"))
	}
	u, err := acc.User(c.Request().Context(), id)
	return acc, u, err
}

// outcome is the audit outcome of an action that returned err.
func outcome(err error) layers.Outcome {
	if err != nil {
		return layers.OutcomeFailure
	}
	return layers.OutcomeSuccess
}
