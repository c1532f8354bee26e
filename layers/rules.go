package layers

import "time"

// Rule is one value of the standards that the analyses use, kept as data so
// that the bureau can change it without a release. Confidence "unconfirmed"
// marks values that could not be checked against the standard's text: the UI
// shows them as configurable defaults, not as the standard.
type Rule struct {
	Key        string  `json:"key"`
	Title      string  `json:"title"`
	Standard   string  `json:"standard"`
	Clause     string  `json:"clause,omitempty"`
	Value      float64 `json:"value"`
	Unit       string  `json:"unit"`
	Confidence string  `json:"confidence"` // "confirmed" or "unconfirmed"
}

// RuleSet is a version of the rules table.
type RuleSet struct {
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	Note      string    `json:"note,omitempty"`
	Rules     []Rule    `json:"rules"`
}

// Value returns the value of a rule by key.
func (rs RuleSet) Value(key string) (float64, bool) {
	for _, r := range rs.Rules {
		if r.Key == key {
			return r.Value, true
		}
	}
	return 0, false
}

// CheckRules verifies a rules table: keys present, unique and non-empty.
func CheckRules(rules []Rule) error {
	const op = "layers.CheckRules"
	if len(rules) == 0 {
		return Errorf(Invalid, op, "the rules table must not be empty")
	}
	seen := map[string]bool{}
	for _, r := range rules {
		if r.Key == "" {
			return Errorf(Invalid, op, "every rule needs a key")
		}
		if seen[r.Key] {
			return Errorf(Invalid, op, "rule %q appears twice", r.Key)
		}
		seen[r.Key] = true
		if r.Confidence != "confirmed" && r.Confidence != "unconfirmed" {
			return Errorf(Invalid, op, "rule %q: confidence must be confirmed or unconfirmed", r.Key)
		}
	}
	return nil
}

// DefaultRules is the first version of the rules table, from DOMAIN.md.
func DefaultRules() []Rule {
	const (
		gb51080 = "GB 51080-2015 城市消防规划规范"
		jb152   = "建标152-2017 城市消防站建设标准"
		gb51143 = "GB 51143-2015 防灾避难场所设计规范"
		gb50413 = "GB 50413-2007 城市抗震防灾规划标准"
		gb55028 = "GB 55028-2022 防灾避难场所项目规范"
		plan    = "海门区“十四五”应急管理体系规划 表1"
		c, u    = "confirmed", "unconfirmed"
	)
	return []Rule{
		{"fire.turnout_min", "消防站出动时间", gb51080, "4.1.3", 1, "min", c},
		{"fire.drive_min", "消防车行驶时间", gb51080, "4.1.3", 4, "min", c},
		{"fire.district_km2.class1", "一级普通站辖区面积上限", gb51080, "", 7, "km²", c},
		{"fire.district_km2.special", "特勤站辖区面积上限", gb51080, "", 7, "km²", c},
		{"fire.district_km2.class2", "二级普通站辖区面积上限", gb51080, "", 4, "km²", c},
		{"fire.district_km2.small", "小型站辖区面积上限", gb51080, "", 2, "km²", c},
		{"fire.district_km2.edge", "建成区边缘/近郊站辖区面积上限", gb51080, "", 15, "km²", c},
		{"fire.road_curvature", "道路曲度系数 λ", gb51080, "", 1.4, "", c},
		{"fire.urban_speed_kmh", "城区规划行车速度", gb51080, "", 30, "km/h", u},
		{"fire.hazard_setback_m", "消防站距危险源最小距离", gb51080, "", 200, "m", c},
		{"fire.school_setback_m", "消防站距医院/学校出入口最小距离", gb51080, "", 50, "m", c},
		{"shelter.emergency.per_capita_m2", "紧急避难场所人均有效面积", gb51143, "", 0.5, "m²", u},
		{"shelter.emergency.per_capita_m2_gb50413", "紧急避难场所人均有效面积(GB 50413)", gb50413, "", 1, "m²", c},
		{"shelter.short_term.per_capita_m2", "短期固定避难场所人均有效面积", gb51143, "", 2.0, "m²", u},
		{"shelter.medium_term.per_capita_m2", "中期固定避难场所人均有效面积", gb51143, "", 3.0, "m²", u},
		{"shelter.long_term.per_capita_m2", "长期固定避难场所人均有效面积", gb51143, "", 4.5, "m²", u},
		{"shelter.emergency.radius_m", "紧急避难场所服务半径", gb51143, "", 500, "m", c},
		{"shelter.short_term.radius_m", "短期固定避难场所服务半径", gb51143, "", 1000, "m", u},
		{"shelter.medium_term.radius_m", "中期固定避难场所服务半径", gb51143, "", 1500, "m", u},
		{"shelter.long_term.radius_m", "长期固定避难场所服务半径", gb51143, "", 2500, "m", u},
		{"shelter.central.max_area_km2", "中心避难场所服务建成区面积上限", gb55028, "4.2.1", 50, "km²", c},
		{"shelter.central.max_population", "中心避难场所服务人口上限", gb55028, "4.2.1", 500000, "人", c},
		{"shelter.fixed.catchment_share", "固定避难场所容纳服务范围规划人口比例下限", gb55028, "4.2.2", 0.15, "", c},
		{"shelter.fire_source_setback_m", "避难场所距一般火源最小距离", gb51143, "", 30, "m", c},
		{"shelter.major_hazard_setback_m", "避难场所距重大火灾/爆炸危险源最小距离", gb51143, "", 1000, "m", c},
		{"plan.relief_reach_h", "受灾人员基本生活救助时间", plan, "指标12", 10, "h", c},
		{"plan.shelter_per_capita_m2", "城镇人均避难场所面积", plan, "指标13", 2.5, "m²", c},
		{"plan.fire_coverage", "城镇建成区消防站覆盖率", plan, "指标15", 1.0, "", c},
		{"plan.warning_coverage", "气象预警信息公众覆盖率", plan, "指标17", 0.95, "", c},
		{"route.congested_speed_factor", "拥堵时段车速系数(路径规划 congested 方案)", "路网通行时间估算默认值(待核定)", "", 0.6, "", u},
	}
}
