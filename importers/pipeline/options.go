package pipeline

import (
	"context"
	"strconv"
	"strings"

	"onemap/layers"
)

// Options are the uploader's choices. Each overrides what Run would decide
// by itself; the zero value (apart from the target) lets Run decide all.
type Options struct {
	// Layer is the target: an existing layer's name or a built-in kind
	// (shelters, fire_stations, …). Exactly one of Layer and NewLayer is set.
	Layer string `json:"layer,omitempty"`
	// NewLayer names a new zoning layer whose fields come from the file;
	// Title is its Chinese display name (default: NewLayer).
	NewLayer string `json:"new_layer,omitempty"`
	Title    string `json:"title,omitempty"`
	// CRS is the coordinate system as "EPSG:4549" or "4549"; it overrides
	// the .prj.
	CRS string `json:"crs,omitempty"`
	// Encoding overrides the detected text encoding ("GBK", "UTF-8", …).
	Encoding string `json:"encoding,omitempty"`
	// GCJ02 corrects web-map (GCJ-02) coordinates to WGS84 after
	// reprojection.
	GCJ02 bool `json:"gcj02,omitempty"`
	// Mapping maps target field → source column; "" leaves a field empty.
	// Fields it does not name are suggested from the column names.
	Mapping map[string]string `json:"mapping,omitempty"`
	// Dataset picks one dataset of an upload that holds several.
	Dataset string `json:"dataset,omitempty"`
}

// Check verifies the options themselves, before any file is read.
func (o Options) Check() error {
	const op = "pipeline.Options"
	switch {
	case o.Layer == "" && o.NewLayer == "":
		return invalid(op, "请选择目标图层（如 shelters）或新建专题图层的名称", "choose a target layer (a kind such as shelters) or name a new zoning layer")
	case o.Layer != "" && o.NewLayer != "":
		return invalid(op, "目标图层与新建图层只能选一个", "choose either a target layer or a new layer, not both")
	case o.NewLayer != "" && !layers.ValidName(o.NewLayer):
		return invalid(op, "新图层名称 %q 须为小写字母、数字和下划线，以字母开头（最长 63 个字符）；中文名称请填在标题中",
			"the new layer name %q must be lower-case letters, digits and _, start with a letter (max 63); put the Chinese name in the title", o.NewLayer)
	}
	if o.CRS != "" {
		if _, err := EPSGCode(o.CRS); err != nil {
			return err
		}
	}
	return nil
}

// EPSGCode reads "EPSG:4549", "epsg:4549" or "4549".
func EPSGCode(s string) (int, error) {
	t := strings.TrimSpace(s)
	if len(t) > 5 && strings.EqualFold(t[:5], "EPSG:") {
		t = t[5:]
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 {
		return 0, invalid("pipeline.Options", "坐标系 %q 应写作 EPSG 代码，如 EPSG:4549", "the coordinate system %q must be an EPSG code such as EPSG:4549", s)
	}
	return n, nil
}

// Target is the layer an import feeds: an existing or built-in layer, or a
// new zoning layer whose schema Run makes from the source.
type Target struct {
	Layer layers.Layer `json:"layer"`
	// New is true when the layer does not exist yet and publishing creates
	// it (a built-in kind not yet in the store, or a new zoning layer).
	New bool `json:"new,omitempty"`
	// FromSource is true for a zoning layer whose fields come from the file.
	FromSource bool `json:"from_source,omitempty"`
}

// LayerLookup finds a layer in the store; NotFound when it does not exist.
type LayerLookup func(ctx context.Context, name string) (layers.Layer, error)

// ResolveTarget turns the options into a Target. lookup may be nil (a dry
// run without a store), in which case Layer must be a built-in kind.
func ResolveTarget(ctx context.Context, o Options, lookup LayerLookup) (Target, error) {
	const op = "pipeline.ResolveTarget"
	if err := o.Check(); err != nil {
		return Target{}, err
	}
	if o.NewLayer != "" {
		if lookup != nil {
			_, err := lookup(ctx, o.NewLayer)
			if err == nil {
				return Target{}, &layers.Error{Kind: layers.Conflict, Op: op, Msg: bilingual("图层 "+o.NewLayer+" 已存在；要向其导入，请选择它作为目标图层",
					"layer "+o.NewLayer+" already exists; to import into it, choose it as the target layer")}
			}
			if !layers.IsKind(err, layers.NotFound) {
				return Target{}, err
			}
		}
		if _, builtin := layers.BuiltinLayer(layers.Kind(o.NewLayer)); builtin {
			return Target{}, invalid(op, "%s 是内置图层类型的名称，请换一个新图层名称，或把它作为目标图层", "%s is the name of a built-in layer kind; choose another name, or choose it as the target layer", o.NewLayer)
		}
		title := strings.TrimSpace(o.Title)
		if title == "" {
			title = o.NewLayer
		}
		return Target{Layer: layers.Layer{Name: o.NewLayer, Kind: layers.Zoning, Title: title}, New: true, FromSource: true}, nil
	}
	if lookup != nil {
		l, err := lookup(ctx, o.Layer)
		if err == nil {
			return Target{Layer: l}, nil
		}
		if !layers.IsKind(err, layers.NotFound) {
			return Target{}, err
		}
	}
	if l, ok := layers.BuiltinLayer(layers.Kind(o.Layer)); ok {
		return Target{Layer: l, New: lookup != nil}, nil
	}
	var kinds []string
	for _, l := range layers.BuiltinLayers() {
		kinds = append(kinds, string(l.Kind))
	}
	return Target{}, &layers.Error{Kind: layers.NotFound, Op: op, Msg: bilingual("没有图层 "+o.Layer+"；内置图层类型为："+strings.Join(kinds, ", "),
		"there is no layer "+o.Layer+"; the built-in kinds are: "+strings.Join(kinds, ", "))}
}
