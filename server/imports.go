package server

import (
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"onemap/importers/pipeline"
	"onemap/importers/staging"
	"onemap/layers"
)

// Importer is the upload-to-publish service behind /api/imports and the
// layer rollback route: importers/staging.Service, which keeps uploads on
// disk, runs the import pipeline on them and publishes into the store.
type Importer interface {
	Receive() (*staging.Receiver, error)
	List() []staging.Upload
	Get(id string) (staging.Upload, error)
	Wait(ctx context.Context, id string) (staging.Upload, error)
	Rerun(ctx context.Context, id string, opts pipeline.Options) (staging.Upload, error)
	Publish(ctx context.Context, id string) (staging.Upload, error)
	// Delete discards an upload that was never published.
	Delete(ctx context.Context, id string) (staging.Upload, error)
	Rollback(ctx context.Context, layer, toImport string) (staging.Rollback, error)
	// StagedFeatures reads an upload's staged features (imports_staged.go).
	StagedFeatures(id string, fn func(layers.Feature) error) error
}

// maxFormField bounds one non-file field of an upload form (the mapping
// JSON is the largest).
const maxFormField = 64 << 10

// importer returns the configured service or a NotFound saying imports are
// off on this server.
func (s *Server) importer() (Importer, error) {
	if s.opts.Imports == nil {
		return nil, layers.Errorf(layers.NotFound, "server.imports", "uploads are not enabled on this server")
	}
	return s.opts.Imports, nil
}

// createImport serves POST /api/imports: a multipart/form-data upload whose
// file parts (one zip, or the loose .shp/.shx/.dbf/.prj/.cpg, a .geojson,
// a .csv or a .gpkg) are streamed to disk as they arrive, never held in memory, and
// whose other fields are the options: layer (a layer or built-in kind) or
// new_layer and title, crs, encoding, gcj02, mapping (a JSON object target
// field → source column), dataset. The pipeline then runs in the
// background: the answer (202) is the upload in state "processing", and
// GET /api/imports/{id} follows its progress; with ?wait=true the answer
// waits for the report. The same file uploaded again answers 200 with the
// earlier upload.
func (s *Server) createImport(c echo.Context) error {
	const op = "server.createImport"
	imp, err := s.importer()
	if err != nil {
		return err
	}
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return layers.Errorf(layers.Invalid, op, "send the upload as multipart/form-data with a file field")
	}
	rcv, err := imp.Receive()
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			rcv.Abort()
		}
	}()
	var opts pipeline.Options
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return layers.Wrap(err, layers.Invalid, op, "the multipart upload is malformed or was interrupted; upload again")
		}
		if part.FileName() != "" {
			err = rcv.AddFile(part.FileName(), part)
		} else {
			err = formOption(&opts, part)
		}
		part.Close()
		if err != nil {
			return err
		}
	}
	committed = true
	started := time.Now()
	u, err := rcv.Commit(c.Request().Context(), opts)
	if err != nil {
		return err
	}
	s.metrics.watchImport(imp, u, started) // metrics_imports.go
	status := http.StatusAccepted
	if u.Duplicate {
		status = http.StatusOK
	}
	c.Response().Header().Set("Location", s.href(c, "/api/imports/"+u.ID, nil))
	return s.answerUpload(c, imp, u, status)
}

// formOption reads one option field of the upload form.
func formOption(o *pipeline.Options, part *multipart.Part) error {
	const op = "server.createImport"
	b, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
	if err != nil {
		return layers.Wrap(err, layers.Invalid, op, "the upload was interrupted; upload again")
	}
	if len(b) > maxFormField {
		return layers.Errorf(layers.Invalid, op, "form field %q is too long", part.FormName())
	}
	v := strings.TrimSpace(string(b))
	switch part.FormName() {
	case "layer":
		o.Layer = v
	case "new_layer", "new":
		o.NewLayer = v
	case "title":
		o.Title = v
	case "crs":
		o.CRS = v
	case "encoding":
		o.Encoding = v
	case "dataset":
		o.Dataset = v
	case "gcj02":
		if v == "" {
			return nil
		}
		g, err := strconv.ParseBool(v)
		if err != nil {
			return layers.Errorf(layers.Invalid, op, "gcj02 must be true or false, got %q", v)
		}
		o.GCJ02 = g
	case "mapping":
		if v == "" {
			return nil
		}
		if err := json.Unmarshal(b, &o.Mapping); err != nil {
			return layers.Errorf(layers.Invalid, op, `mapping must be a JSON object of target field → source column, e.g. {"capacity":"bnsrnrs"}`)
		}
	default:
		return layers.Errorf(layers.Invalid, op, "unknown form field %q; the options are layer, new_layer, title, crs, encoding, gcj02, mapping, dataset", part.FormName())
	}
	return nil
}

// answerUpload writes an upload, after waiting for its run when the
// request asks ?wait=true.
func (s *Server) answerUpload(c echo.Context, imp Importer, u staging.Upload, status int) error {
	if wait, _ := strconv.ParseBool(c.QueryParam("wait")); wait && u.State == staging.Processing {
		done, err := imp.Wait(c.Request().Context(), u.ID)
		if err != nil {
			return err
		}
		done.Duplicate = u.Duplicate
		u, status = done, http.StatusOK
	}
	return writeJSON(c, status, mediaJSON, u)
}

// listImports serves GET /api/imports: every upload, newest first, without
// the reports.
func (s *Server) listImports(c echo.Context) error {
	imp, err := s.importer()
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, map[string]any{"imports": imp.List()})
}

// getImport serves GET /api/imports/{id}: the upload with its state, the
// records processed so far, and, once the run has finished, the report and
// preview.
func (s *Server) getImport(c echo.Context) error {
	imp, err := s.importer()
	if err != nil {
		return err
	}
	u, err := imp.Get(c.Param("id"))
	if err != nil {
		return err
	}
	return s.answerUpload(c, imp, u, http.StatusOK)
}

// setImportOptions serves PUT /api/imports/{id}/options: a JSON object of
// options laid over the upload's current ones (so {"crs":"EPSG:4549"}
// confirms a CRS and keeps the rest), then the pipeline runs again from the
// stored original. Answers 202 with the upload in state "processing", or
// the finished upload with ?wait=true.
func (s *Server) setImportOptions(c echo.Context) error {
	const op = "server.setImportOptions"
	imp, err := s.importer()
	if err != nil {
		return err
	}
	u, err := imp.Get(c.Param("id"))
	if err != nil {
		return err
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	opts := u.Options
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&opts); err != nil {
		return layers.Errorf(layers.Invalid, op, "the options must be a JSON object with layer, new_layer, title, crs, encoding, gcj02, mapping, dataset: %v", err)
	}
	if u, err = imp.Rerun(c.Request().Context(), u.ID, opts); err != nil {
		return err
	}
	return s.answerUpload(c, imp, u, http.StatusAccepted)
}

// deleteImport serves DELETE /api/imports/{id}: an upload that was never
// published is discarded with its stored file (204). A published one is
// kept for rollback, and one still processing must finish first (409).
func (s *Server) deleteImport(c echo.Context) error {
	imp, err := s.importer()
	if err != nil {
		return err
	}
	if _, err := imp.Delete(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// actionImportDelete is the audit action of deleteImport.
const actionImportDelete = "import.delete"

// auditImportDelete records who discarded which upload.
func auditImportDelete(s *Server, c echo.Context, herr error) {
	outcome, d := outcomeOf(c, herr)
	s.audit(c, layers.AuditEvent{Action: actionImportDelete, Target: c.Param("id"), Outcome: outcome, Detail: detail(d)})
}

// publishImport serves POST /api/imports/{id}/publish: the staged features
// replace the layer's in one atomic commit; the layer's previous content is
// kept for rollback.
func (s *Server) publishImport(c echo.Context) error {
	imp, err := s.importer()
	if err != nil {
		return err
	}
	u, err := imp.Publish(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if n := len(u.Publications); n > 0 {
		s.logWrite(c, u.Publications[n-1].Layer, layers.Commit{Version: u.Publications[n-1].Version})
		setVersion(c, u.Publications[n-1].Version)
	}
	return writeJSON(c, http.StatusOK, mediaJSON, u)
}

// rollbackLayer serves POST /api/layers/{layer}/rollback: the layer's
// content before its latest import not yet rolled back, or, with
// ?to_import=ID, the content that import published — as a new version.
func (s *Server) rollbackLayer(c echo.Context) error {
	imp, err := s.importer()
	if err != nil {
		return err
	}
	l, err := s.catalogLayer(c)
	if err != nil {
		return err
	}
	rb, err := imp.Rollback(c.Request().Context(), l.Name, c.QueryParam("to_import"))
	if err != nil {
		return err
	}
	s.logWrite(c, l.Name, layers.Commit{Version: rb.Version})
	setVersion(c, rb.Version)
	return writeJSON(c, http.StatusOK, mediaJSON, rb)
}
