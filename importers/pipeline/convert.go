package pipeline

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"onemap/layers"
)

// convert turns a source value into field f's canonical value: numbers are
// scaled by factor (when not 0), wrapped into an object when wrap is set,
// text is read as the field's type (dates in the usual Chinese spellings,
// 是/否 for booleans), enum text is matched to the enum's codes
// (紧急避难场所 → emergency), and Field.Coerce checks the rest.
func convert(f layers.Field, v any, factor float64, wrap string) (any, error) {
	if factor != 0 {
		switch x := v.(type) {
		case int64:
			v = float64(x) * factor
		case float64:
			v = x * factor
		case string:
			if p, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				v = p * factor
			}
		}
	}
	if wrap != "" {
		v = map[string]any{wrap: v}
	}
	switch f.Type {
	case layers.String:
		s := text(v)
		if len(f.Enum) > 0 {
			if code, ok := enumCode(f, s); ok {
				s = code
			}
		}
		v = s
	case layers.Integer:
		if x, ok := v.(float64); ok && x != math.Trunc(x) && math.Abs(x-math.Round(x)) < 1e-9*math.Max(1, math.Abs(x)) {
			v = math.Round(x) // 1.0000000001 from a unit factor
		}
	case layers.Boolean:
		v = boolean(v)
	case layers.Date:
		if s, ok := v.(string); ok {
			v = dateText(s)
		}
	}
	return f.Coerce(v)
}

// text renders any value as text for a string field.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		return x.String()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// boolean reads the usual spellings of yes and no; anything else is left
// for Field.Coerce to refuse.
func boolean(v any) any {
	switch x := v.(type) {
	case int64:
		if x == 0 || x == 1 {
			return x == 1
		}
	case float64:
		if x == 0 || x == 1 {
			return x == 1
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "是", "有", "y", "yes", "t", "true", "1", "√", "✓", "对":
			return true
		case "否", "无", "n", "no", "f", "false", "0", "×", "✗", "不是":
			return false
		}
	}
	return v
}

// datePattern reads 2023-6-1, 2023/06/01, 2023.06.01 and 2023年6月1日.
var datePattern = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)

// dateText rewrites a date in a usual spelling as YYYY-MM-DD; other text
// is returned unchanged for Field.Coerce to judge.
func dateText(s string) string {
	s = strings.TrimSpace(s)
	if m := datePattern.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Month() == time.Month(mo) && t.Day() == d {
			return t.Format(time.DateOnly)
		}
	}
	if len(s) == 8 {
		if t, err := time.Parse("20060102", s); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return s
}

// enumWords maps words in uploaded text to the enum codes of the built-in
// layers, checked in order (风暴潮 before 潮, 洪 before 涝).
func enumWords(field string) [][2]string {
	switch field {
	case "class":
		return [][2]string{{"紧急", "emergency"}, {"临时", "emergency"}, {"短期", "short_term"}, {"中期", "medium_term"}, {"长期", "long_term"}, {"中心", "central"},
			{"一级", "一级"}, {"二级", "二级"}, {"小型", "小型"}, {"特勤", "特勤"}, {"战勤", "战勤保障"},
			{"高速", "motorway"}, {"快速", "trunk"}, {"主干", "primary"}, {"次干", "secondary"}, {"支路", "tertiary"}}
	case "hazard":
		return [][2]string{{"风暴潮", "storm_surge"}, {"潮", "storm_surge"}, {"内涝", "waterlogging"}, {"积水", "waterlogging"}, {"洪", "flood"}, {"涝", "waterlogging"},
			{"化", "chemical"}, {"台风", "typhoon"}, {"地质", "geological"}, {"滑坡", "geological"}, {"崩塌", "geological"}, {"泥石流", "geological"}, {"沉降", "geological"}}
	case "level":
		return [][2]string{{"街道", "street"}, {"区", "district"}, {"县", "district"}, {"市", "district"}, {"镇", "town"}, {"乡", "town"}}
	case "status":
		return [][2]string{{"开放", "open"}, {"启用", "open"}, {"关闭", "closed"}, {"停用", "closed"}, {"满", "full"}}
	}
	return nil
}

// enumCode finds the enum code that s names: the code itself in any case
// or spacing ("Short-term" → short_term), a word of enumWords, or the one
// code s contains.
func enumCode(f layers.Field, s string) (string, bool) {
	n := normalize(s)
	if n == "" {
		return "", false
	}
	for _, code := range f.Enum {
		if normalize(code) == n {
			return code, true
		}
	}
	for _, w := range enumWords(f.Name) {
		if strings.Contains(n, w[0]) && contains(f.Enum, w[1]) {
			return w[1], true
		}
	}
	found := ""
	for _, code := range f.Enum {
		if strings.Contains(n, normalize(code)) {
			if found != "" {
				return "", false
			}
			found = code
		}
	}
	return found, found != ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
