package sql

import (
	"embed"
	"fmt"
	"strconv"
	"strings"
	"text/template"

	"github.com/jackc/pgx/v5"

	"onemap/layers"
)

//go:embed templates/*.sql.tmpl
var templateFiles embed.FS

// parseTemplates reads the per-layer statement templates. Their identifiers
// come only from the layer catalog and are quoted by ident; their values are
// bind parameters ($n), never text.
func parseTemplates() (*template.Template, error) {
	return template.New("").Option("missingkey=error").Funcs(template.FuncMap{
		"ident":    ident,
		"geomtype": geomType,
		"coldef":   columnDef,
		"cast":     castType,
		"op":       sqlOp,
		"param":    func(n int) string { return "$" + strconv.Itoa(n) },
		"add":      func(a, b int) int { return a + b },
	}).ParseFS(templateFiles, "templates/*.sql.tmpl")
}

// statementTemplates lists the templates that render one statement each
// (files starting with _ hold shared parts).
func statementTemplates(t *template.Template) []string {
	var out []string
	for _, x := range t.Templates() {
		n := x.Name()
		if strings.HasSuffix(n, ".sql.tmpl") && !strings.HasPrefix(n, "_") {
			out = append(out, n)
		}
	}
	return out
}

// render executes one template into SQL text.
func render(t *template.Template, name string, data any) (string, error) {
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return b.String(), nil
}

// ident quotes a catalog name as one SQL identifier.
func ident(name string) (string, error) {
	if !layers.ValidName(name) {
		return "", fmt.Errorf("%q is not a valid layer or field name", name)
	}
	return pgx.Identifier{name}.Sanitize(), nil
}

// geomType is the PostGIS type modifier of a layer's geometry type.
func geomType(g layers.GeometryType) (string, error) {
	switch g {
	case layers.PointType, layers.LineStringType, layers.MultiLineStringType, layers.MultiPolygonType:
		return string(g), nil
	}
	return "", fmt.Errorf("geometry type %q has no PostGIS column type", g)
}

// castType is the PostgreSQL type of an attribute type.
func castType(t layers.FieldType) (string, error) {
	switch t {
	case layers.String:
		return "text", nil
	case layers.Integer:
		return "bigint", nil
	case layers.Number:
		return "double precision", nil
	case layers.Boolean:
		return "boolean", nil
	case layers.Date:
		return "date", nil
	case layers.JSON:
		return "jsonb", nil
	}
	return "", fmt.Errorf("field type %q has no PostgreSQL type", t)
}

// columnDef is the column definition of an attribute type. Text compares in
// byte order (COLLATE "C") whatever the database's locale, as SQLite does in
// the embedded store, so filters and orderings agree between the stores.
func columnDef(t layers.FieldType) (string, error) {
	s, err := castType(t)
	if t == layers.String {
		s += ` COLLATE "C"`
	}
	return s, err
}

// sqlOp admits only the comparison operators of layers.Op.
func sqlOp(o layers.Op) (string, error) {
	switch o {
	case layers.Eq, layers.Ne, layers.Lt, layers.Le, layers.Gt, layers.Ge:
		return string(o), nil
	}
	return "", fmt.Errorf("unknown comparison %q", o)
}

// tableData feeds the templates that address a layer's whole table.
type tableData struct {
	Table    string
	Geometry layers.GeometryType
	Fields   []layers.Field
}

func newTableData(l layers.Layer) tableData {
	return tableData{Table: l.Name, Geometry: l.Schema.Geometry, Fields: l.Schema.Fields}
}

// queryData feeds features_query and features_count. Arg binds a value and
// returns its placeholder, so the template decides the order of parameters
// and the text never holds a value.
type queryData struct {
	Table    string
	Columns  []layers.Field
	Envelope *envelope
	Shape    []byte // WKB of Query.Intersects
	Near     *nearData
	Where    []whereData
	Limit    int
	Offset   int

	args []any
}

type envelope struct{ MinX, MinY, MaxX, MaxY float64 }

type nearData struct{ Lon, Lat, Within float64 }

type whereData struct {
	Field string
	Op    layers.Op
	Type  layers.FieldType
	Value any
}

// Arg binds v as the next parameter.
func (d *queryData) Arg(v any) string {
	d.args = append(d.args, v)
	return "$" + strconv.Itoa(len(d.args))
}
