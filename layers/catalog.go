package layers

// This file is the catalog of built-in layer kinds: the attribute schema the
// analyses rely on for each kind of emergency data.

func num(v float64) *float64 { return &v }

// ShelterClasses are the shelter classes of GB 51143 / GB 55028, mildest first.
var shelterClasses = []string{"emergency", "short_term", "medium_term", "long_term", "central"}

// ShelterClasses returns the shelter class codes, smallest first.
func ShelterClasses() []string { return append([]string(nil), shelterClasses...) }

// HazardTypes returns the hazard types a hazard zone may have.
func HazardTypes() []string {
	return []string{"flood", "storm_surge", "waterlogging", "chemical", "typhoon", "geological"}
}

// FireStationClasses returns the station classes of 建标152-2017.
func FireStationClasses() []string {
	return []string{"一级", "二级", "小型", "特勤", "战勤保障"}
}

// RoadClasses returns the road classes, fastest first.
func RoadClasses() []string {
	return []string{"motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential", "service"}
}

var builtins = []Layer{
	{Name: string(Shelters), Kind: Shelters, Title: "应急避难场所", Schema: Schema{Geometry: PointType, Fields: []Field{
		{Name: "name", Type: String, Title: "名称", Required: true},
		{Name: "class", Type: String, Title: "类别", Required: true, Enum: shelterClasses},
		{Name: "effective_area_m2", Type: Number, Title: "有效避难面积", Unit: "m²", Min: num(0)},
		{Name: "effective_area_derived", Type: Boolean, Title: "有效面积为推算值"},
		{Name: "total_area_m2", Type: Number, Title: "占地总面积", Unit: "m²", Min: num(0)},
		{Name: "capacity", Type: Integer, Title: "容纳人数", Unit: "人", Min: num(0)},
		{Name: "indoor", Type: Boolean, Title: "室内"},
		{Name: "standardised", Type: Boolean, Title: "标准化避难场所"},
		{Name: "status", Type: String, Title: "状态", Enum: []string{"open", "closed", "full"}},
		{Name: "occupancy", Type: Integer, Title: "已安置人数", Unit: "人", Min: num(0)},
		{Name: "owner", Type: String, Title: "管理单位"},
		{Name: "address", Type: String, Title: "地址"},
		{Name: "town", Type: String, Title: "所属镇街"},
	}}},
	{Name: string(FireStations), Kind: FireStations, Title: "消防站", Schema: Schema{Geometry: PointType, Fields: []Field{
		{Name: "name", Type: String, Title: "名称", Required: true},
		{Name: "class", Type: String, Title: "等级", Required: true, Enum: FireStationClasses()},
		{Name: "full_time", Type: Boolean, Title: "专职"},
		{Name: "staff", Type: Integer, Title: "人员", Unit: "人", Min: num(0)},
		{Name: "engines", Type: JSON, Title: "消防车(按类型)"},
		{Name: "turnout_s", Type: Number, Title: "出动时间", Unit: "s", Min: num(0)},
		{Name: "town", Type: String, Title: "所属镇街"},
	}}},
	{Name: string(Stockpiles), Kind: Stockpiles, Title: "应急物资储备库", Schema: Schema{Geometry: PointType, Fields: []Field{
		{Name: "name", Type: String, Title: "名称", Required: true},
		{Name: "level", Type: String, Title: "级别", Required: true, Enum: []string{"district", "town"}},
		{Name: "capacity_m3", Type: Number, Title: "有效库容", Unit: "m³", Min: num(0)},
		{Name: "inventory", Type: JSON, Title: "物资清单(类别,品名,单位,数量)"},
		{Name: "town", Type: String, Title: "所属镇街"},
	}}},
	{Name: string(RescueTeams), Kind: RescueTeams, Title: "救援队伍", Schema: Schema{Geometry: PointType, Fields: []Field{
		{Name: "name", Type: String, Title: "名称", Required: true},
		{Name: "type", Type: String, Title: "类型", Required: true},
		{Name: "members", Type: Integer, Title: "人数", Unit: "人", Min: num(0)},
		{Name: "equipment", Type: JSON, Title: "装备"},
		{Name: "town", Type: String, Title: "所属镇街"},
	}}},
	{Name: string(HazardZones), Kind: HazardZones, Title: "风险区", Sensitive: false, Schema: Schema{Geometry: MultiPolygonType, Fields: []Field{
		{Name: "name", Type: String, Title: "名称"},
		{Name: "hazard", Type: String, Title: "灾种", Required: true, Enum: HazardTypes()},
		{Name: "grade", Type: Integer, Title: "风险等级(1高-4低)", Required: true, Min: num(1), Max: num(4)},
		{Name: "source", Type: String, Title: "来源"},
		{Name: "valid_from", Type: Date, Title: "生效日期"},
		{Name: "valid_to", Type: Date, Title: "失效日期"},
		{Name: "active", Type: Boolean, Title: "当前有效"},
	}}},
	{Name: string(CensusUnits), Kind: CensusUnits, Title: "人口普查单元", Schema: Schema{Geometry: MultiPolygonType, Fields: []Field{
		{Name: "code", Type: String, Title: "代码", Required: true},
		{Name: "name", Type: String, Title: "名称", Required: true},
		{Name: "parent", Type: String, Title: "所属镇街"},
		{Name: "parent_code", Type: String, Title: "所属镇街代码"},
		{Name: "population", Type: Integer, Title: "常住人口", Unit: "人", Required: true, Min: num(0)},
		{Name: "urban_population", Type: Integer, Title: "城镇人口", Unit: "人", Min: num(0)},
		{Name: "aged_65", Type: Integer, Title: "65岁及以上", Unit: "人", Min: num(0)},
		{Name: "households", Type: Integer, Title: "户数", Unit: "户", Min: num(0)},
	}}},
	{Name: string(BuiltUp), Kind: BuiltUp, Title: "城镇建成区", Schema: Schema{Geometry: MultiPolygonType, Fields: []Field{
		{Name: "name", Type: String, Title: "名称"},
		{Name: "town", Type: String, Title: "所属镇街"},
		{Name: "urban", Type: Boolean, Title: "城区"},
	}}},
	{Name: string(AdminUnits), Kind: AdminUnits, Title: "行政区划", Schema: Schema{Geometry: MultiPolygonType, Fields: []Field{
		{Name: "code", Type: String, Title: "区划代码", Required: true},
		{Name: "name", Type: String, Title: "名称", Required: true},
		{Name: "level", Type: String, Title: "级别", Required: true, Enum: []string{"district", "street", "town"}},
		{Name: "parent_code", Type: String, Title: "上级代码"},
	}}},
	{Name: string(Roads), Kind: Roads, Title: "道路", Schema: Schema{Geometry: LineStringType, Fields: []Field{
		{Name: "name", Type: String, Title: "名称"},
		{Name: "class", Type: String, Title: "等级", Required: true, Enum: RoadClasses()},
		{Name: "speed_kmh", Type: Number, Title: "设计速度", Unit: "km/h", Min: num(1), Max: num(150)},
		{Name: "oneway", Type: Boolean, Title: "单行"},
		{Name: "bridge", Type: Boolean, Title: "桥梁/高架"},
		{Name: "source_node", Type: Integer, Title: "起点节点"},
		{Name: "target_node", Type: Integer, Title: "终点节点"},
		{Name: "tunnel", Type: Boolean, Title: "隧道"},
		{Name: "layer", Type: Integer, Title: "层"},
		{Name: "osm_way", Type: Integer, Title: "OSM 路线"},
		// turn_restrictions is a JSON array of the turns forbidden (no_*) or
		// prescribed (only_*) when arriving on this road at node "via":
		// [{"type": "no_left_turn", "via": 123, "to_way": 456}], the to road
		// named by its osm_way.
		{Name: "turn_restrictions", Type: String, Title: "转向限制"},
	}}},
	{Name: string(WarningPoints), Kind: WarningPoints, Title: "预警广播", Schema: Schema{Geometry: PointType, Fields: []Field{
		{Name: "name", Type: String, Title: "名称"},
		{Name: "audible_radius_m", Type: Number, Title: "有效覆盖半径", Unit: "m", Required: true, Min: num(0)},
		{Name: "town", Type: String, Title: "所属镇街"},
	}}},
}

// BuiltinLayers returns the definitions of the built-in layers, one per kind
// (Version 0: not yet created).
func BuiltinLayers() []Layer {
	out := make([]Layer, len(builtins))
	for i, l := range builtins {
		out[i] = l
		out[i].Schema.Fields = append([]Field(nil), l.Schema.Fields...)
	}
	return out
}

// BuiltinLayer returns the built-in definition of a kind.
func BuiltinLayer(k Kind) (Layer, bool) {
	for _, l := range BuiltinLayers() {
		if l.Kind == k {
			return l, true
		}
	}
	return Layer{}, false
}
