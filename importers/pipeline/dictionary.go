package pipeline

import (
	"strings"
	"unicode"
)

// This file is the dictionary that suggests which source column feeds which
// field of a built-in layer. Census and bureau exports name columns in three
// ways, all of which are listed:
//
//   - Chinese, as in the survey forms (容纳人数, 占地总面积);
//   - English or the schema's own names (capacity, total_area_m2);
//   - the pinyin initials of the Chinese name that the 2020–2022 national
//     natural-hazard risk census (第一次全国自然灾害综合风险普查) uses as DBF
//     column names, because a DBF name has 10 bytes: bnsrnrs = 避难所容纳人数
//     (bì nàn suǒ róng nà rén shù), yjbncszdmj = 应急避难场所占地面积,
//     xfcsl = 消防车数量, yxkr = 有效库容.
//
// A unit written in the column name (公顷, hm2, 亩, km²) is recognised
// separately (see unitOf), so "占地面积公顷" maps to total_area_m2 with a
// factor of 10,000. Suggestions are only suggestions: the report shows each
// with its reason and the uploader can change any of them.

// term is one name under which a source column may hold a target field.
type term struct {
	name string
	note string // what the name stands for, for the report: "census code 避难所容纳人数"
	// wrap, when set, makes the value the single entry of a JSON object
	// under this key: a count of fire engines becomes {"合计": n} in the
	// engines-by-type field.
	wrap string
}

// census marks a pinyin-initial census code.
func census(code, meaning string) term {
	return term{name: code, note: "普查代码 " + meaning + " (census code)"}
}

// zh and en are plain names.
func zh(name string) term { return term{name: name} }

// dictionary returns, for each built-in field name, the names a source
// column may have. It is built on each call: no package state.
func dictionary() map[string][]term {
	return map[string][]term{
		"name": {zh("名称"), zh("名字"), zh("场所名称"), zh("避难场所名称"), zh("站名"), zh("站点名称"), zh("消防站名称"), zh("单位名称"),
			zh("仓库名称"), zh("储备库名称"), zh("队伍名称"), zh("区域名称"), zh("道路名称"), zh("路名"), zh("名"),
			census("mc", "名称"), census("bncsmc", "避难场所名称"), census("dwmc", "单位名称"), census("xfzmc", "消防站名称"), census("ckmc", "仓库名称"),
			zh("title"), zh("fullname")},
		"class": {zh("类别"), zh("类型"), zh("场所类型"), zh("场所类别"), zh("避难场所类型"), zh("避难场所类别"), zh("等级"), zh("消防站等级"), zh("站级"),
			zh("道路等级"), census("lb", "类别"), census("bncslx", "避难场所类型"), census("cslx", "场所类型"), census("xfzdj", "消防站等级"), zh("highway")},
		"effective_area_m2": {zh("有效避难面积"), zh("有效面积"), zh("有效避难场所面积"), zh("可用避难面积"),
			census("yxbnmj", "有效避难面积"), census("yxmj", "有效面积"), zh("effective_area")},
		"total_area_m2": {zh("占地总面积"), zh("占地面积"), zh("总面积"), zh("用地面积"), zh("场所面积"), zh("面积"),
			census("yjbncszdmj", "应急避难场所占地面积"), census("zdzmj", "占地总面积"), census("zdmj", "占地面积"), census("zmj", "总面积"),
			zh("total_area"), zh("area")},
		"capacity": {zh("容纳人数"), zh("可容纳人数"), zh("避难人数"), zh("设计容纳人数"), zh("避难所容纳人数"), zh("可容纳避难人数"),
			census("bnsrnrs", "避难所容纳人数"), census("rnrs", "容纳人数"), census("krnrs", "可容纳人数"), census("bnrs", "避难人数")},
		"indoor":       {zh("室内"), zh("是否室内"), zh("室内场所"), census("sfsn", "是否室内")},
		"standardised": {zh("标准化"), zh("是否标准化"), zh("标准化避难场所"), census("sfbzh", "是否标准化"), zh("standardized")},
		"status":       {zh("状态"), zh("开放状态"), zh("使用状态"), census("zt", "状态")},
		"occupancy":    {zh("已安置人数"), zh("安置人数"), zh("在场人数"), census("yazrs", "已安置人数")},
		"owner":        {zh("管理单位"), zh("主管单位"), zh("责任单位"), zh("权属单位"), census("gldw", "管理单位"), census("zgdw", "主管单位")},
		"address":      {zh("地址"), zh("详细地址"), zh("位置"), zh("所在位置"), census("dz", "地址"), census("xxdz", "详细地址"), zh("addr")},
		"town": {zh("所属镇街"), zh("镇街"), zh("乡镇"), zh("乡镇街道"), zh("所属乡镇"), zh("所在镇街"), zh("街道"), zh("镇"),
			census("sszj", "所属镇街"), census("xzjd", "乡镇街道"), census("ssxz", "所属乡镇")},
		"full_time": {zh("专职"), zh("是否专职"), census("sfzz", "是否专职")},
		"staff":     {zh("人员"), zh("人员数量"), zh("在编人数"), zh("消防员人数"), zh("队员人数"), census("rysl", "人员数量"), census("xfyrs", "消防员人数")},
		"engines": {zh("消防车(按类型)"), {name: "消防车数", wrap: "合计"}, {name: "消防车数量", wrap: "合计"}, {name: "消防车辆数", wrap: "合计"},
			{name: "xfcsl", note: "普查代码 消防车数量 (census code)", wrap: "合计"}, {name: "xfcs", note: "普查代码 消防车数 (census code)", wrap: "合计"}},
		"turnout_s": {zh("出动时间"), census("cdsj", "出动时间")},
		"level":     {zh("级别"), zh("储备库级别"), zh("层级"), zh("行政级别"), census("jb", "级别")},
		"capacity_m3": {zh("有效库容"), zh("库容"), zh("储备库容"), zh("仓储容积"),
			census("yxkr", "有效库容"), census("kr", "库容")},
		"inventory":        {zh("物资清单"), zh("物资"), census("wzqd", "物资清单")},
		"type":             {zh("队伍类型"), zh("类型"), zh("专业类型"), zh("队伍类别"), census("dwlx", "队伍类型"), census("lx", "类型")},
		"members":          {zh("人数"), zh("队员人数"), zh("队伍人数"), zh("成员人数"), census("dyrs", "队员人数"), census("cyrs", "成员人数")},
		"equipment":        {zh("装备"), zh("主要装备"), census("zyzb", "主要装备")},
		"hazard":           {zh("灾种"), zh("灾害类型"), zh("风险类型"), zh("隐患类型"), census("zhlx", "灾害类型"), census("fxlx", "风险类型")},
		"grade":            {zh("风险等级"), zh("等级"), zh("级别"), zh("风险级别"), census("fxdj", "风险等级"), census("dj", "等级")},
		"source":           {zh("来源"), zh("数据来源"), census("sjly", "数据来源")},
		"valid_from":       {zh("生效日期"), zh("开始日期"), zh("起始日期"), census("sxrq", "生效日期")},
		"valid_to":         {zh("失效日期"), zh("截止日期"), zh("结束日期")},
		"active":           {zh("当前有效"), zh("是否有效"), census("sfyx", "是否有效")},
		"code":             {zh("代码"), zh("编码"), zh("编号"), zh("区划代码"), zh("行政区划代码"), zh("统计用区划代码"), census("dm", "代码"), census("bm", "编码"), census("xzqdm", "行政区代码")},
		"parent":           {zh("所属镇街"), zh("上级名称"), zh("所属乡镇"), zh("所属街道")},
		"parent_code":      {zh("上级代码"), zh("所属镇街代码"), zh("上级区划代码"), census("sjdm", "上级代码")},
		"population":       {zh("常住人口"), zh("人口"), zh("总人口"), zh("人口数"), zh("常住人口数")},
		"urban_population": {zh("城镇人口"), zh("城镇常住人口")},
		"aged_65":          {zh("65岁及以上"), zh("65岁及以上人口"), zh("65岁以上人口"), zh("老年人口")},
		"households":       {zh("户数"), zh("家庭户数"), zh("总户数"), census("hs", "户数")},
		"urban":            {zh("城区"), zh("是否城区")},
		"speed_kmh":        {zh("设计速度"), zh("速度"), zh("限速"), zh("设计时速"), zh("maxspeed"), zh("speed")},
		"oneway":           {zh("单行"), zh("单向"), zh("是否单行")},
		"bridge":           {zh("桥梁"), zh("是否桥梁"), zh("高架")},
		"audible_radius_m": {zh("有效覆盖半径"), zh("覆盖半径"), zh("广播半径"), zh("radius")},
	}
}

// zoningWords turns common Chinese column names of zoning data into field
// names for a new layer; the Chinese name stays as the field's title.
func zoningWords() map[string]string {
	return map[string]string{
		"编号": "code", "代码": "code", "编码": "code", "名称": "name", "名字": "name",
		"风险等级": "risk_grade", "等级": "grade", "级别": "level", "风险类型": "risk_type", "灾种": "hazard",
		"面积": "area", "面积公顷": "area_hm2", "面积平方米": "area_m2", "面积亩": "area_mu", "面积平方公里": "area_km2",
		"调查日期": "survey_date", "日期": "date", "更新日期": "updated", "备注": "remark", "说明": "note", "描述": "description",
		"类型": "type", "类别": "category", "地址": "address", "镇街": "town", "所属镇街": "town", "乡镇": "town",
		"人口": "population", "户数": "households", "来源": "source", "数据来源": "source", "状态": "status",
		"经度": "lon", "纬度": "lat", "高程": "elevation", "长度": "length", "宽度": "width",
	}
}

// normalize folds a column name for comparison: lower case, without
// blanks, underscores, hyphens, dots, slashes and brackets of either width.
func normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsSpace(r), strings.ContainsRune("_-.()（）[]【】/\\:：,，·", r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unitOf finds a unit written in a column name and the factor that turns
// it into want, the target field's unit; ok is false when the name states
// no unit, or one that cannot be converted to want. rest is the name
// without the unit, for matching.
func unitOf(name, want string) (rest string, unit string, factor float64, ok bool) {
	n := normalize(name)
	type unitWord struct {
		word, unit string
		factor     float64 // to the base unit: m², m³, s
		base       string
	}
	words := []unitWord{
		{"万平方米", "万m²", 1e4, "m²"}, {"平方公里", "km²", 1e6, "m²"}, {"平方千米", "km²", 1e6, "m²"}, {"km2", "km²", 1e6, "m²"}, {"km²", "km²", 1e6, "m²"},
		{"公顷", "hm²", 1e4, "m²"}, {"hm2", "hm²", 1e4, "m²"}, {"hm²", "hm²", 1e4, "m²"}, {"亩", "亩", 10000.0 / 15, "m²"},
		{"平方米", "m²", 1, "m²"}, {"m2", "m²", 1, "m²"}, {"m²", "m²", 1, "m²"}, {"ha", "hm²", 1e4, "m²"},
		{"万立方米", "万m³", 1e4, "m³"}, {"立方米", "m³", 1, "m³"}, {"m3", "m³", 1, "m³"}, {"m³", "m³", 1, "m³"},
		{"分钟", "min", 60, "s"}, {"min", "min", 60, "s"}, {"秒", "s", 1, "s"},
	}
	for _, w := range words {
		if !strings.HasSuffix(n, w.word) || len(n) == len(w.word) {
			continue
		}
		// "ha", "m2" and "min" only as a separate token at the end: "mha"
		// or "alpha" are no units.
		if w.word == "ha" || w.word == "m2" || w.word == "min" || w.word == "m3" {
			lower := strings.ToLower(name)
			if !strings.HasSuffix(lower, "_"+w.word) && !strings.HasSuffix(lower, "("+w.word+")") && !strings.HasSuffix(lower, " "+w.word) {
				continue
			}
		}
		rest = strings.TrimSuffix(n, w.word)
		if w.base != want {
			return rest, w.unit, 0, false
		}
		return rest, w.unit, w.factor, true
	}
	return n, "", 1, false
}
