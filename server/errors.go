package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"onemap/layers"
)

// errorBody is the JSON body of every error response.
type errorBody struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	RequestID   string `json:"request_id,omitempty"`
}

// statusOf is the one place where an error kind becomes an HTTP status.
func statusOf(kind layers.ErrorKind) int {
	switch kind {
	case layers.Invalid:
		return http.StatusBadRequest
	case layers.NotFound:
		return http.StatusNotFound
	case layers.Conflict:
		return http.StatusConflict
	case layers.Unauthorized:
		return http.StatusUnauthorized
	case layers.Forbidden:
		return http.StatusForbidden
	case layers.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// handleError is echo's error handler: every error a handler, a middleware
// or the router returns ends here and leaves as JSON. Internal errors are
// logged with their cause; the client sees only layers.MessageOf, which
// never carries a cause.
func (s *Server) handleError(err error, c echo.Context) {
	log := loggerOf(c)
	if c.Response().Committed {
		log.Warn("error after the response was sent", "err", err)
		return
	}
	status, body := s.describe(err, c)
	body.RequestID = requestIDOf(c)
	switch {
	case errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil:
		log.Info("request cancelled by the client", "err", err)
	case status >= 500:
		log.Error("request failed", "status", status, "err", err)
	default:
		log.Debug("request rejected", "status", status, "err", err)
	}
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", "5")
	}
	if c.Request().Method == http.MethodHead {
		err = c.NoContent(status)
	} else {
		err = c.JSON(status, body)
	}
	if err != nil {
		log.Warn("could not send the error response", "err", err)
	}
}

// describe turns an error into a status and a body without the request ID.
func (s *Server) describe(err error, c echo.Context) (int, errorBody) {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code, echoErrorBody(he, c)
	}
	kind := layers.KindOf(err)
	status := statusOf(kind)
	code := string(kind)
	if status == http.StatusInternalServerError {
		code = string(layers.Internal)
	}
	return status, errorBody{Code: code, Description: layers.MessageOf(err)}
}

// echoErrorBody words echo's own errors (no route, wrong method, body too
// large) for the person reading them.
func echoErrorBody(he *echo.HTTPError, c echo.Context) errorBody {
	r := c.Request()
	switch he.Code {
	case http.StatusNotFound:
		return errorBody{Code: string(layers.NotFound), Description: fmt.Sprintf("there is no resource at %s; the API is described at /api", r.URL.Path)}
	case http.StatusMethodNotAllowed:
		allow := c.Response().Header().Get(echo.HeaderAllow)
		return errorBody{Code: "method_not_allowed", Description: fmt.Sprintf("%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, allow)}
	case http.StatusRequestEntityTooLarge:
		return errorBody{Code: "too_large", Description: fmt.Sprint(he.Message)}
	case http.StatusTooManyRequests: // ratelimit.go
		return errorBody{Code: "too_many_requests", Description: fmt.Sprint(he.Message)}
	}
	code := string(layers.Internal)
	desc := http.StatusText(he.Code)
	if he.Code < 500 {
		code = string(layers.Invalid)
		if m, ok := he.Message.(string); ok && m != "" {
			desc = m
		}
	} else {
		desc = layers.MessageOf(he)
	}
	return errorBody{Code: code, Description: desc}
}
