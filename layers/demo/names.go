package demo

import "math/rand/v2"

// namer draws plausible, unique place names in the style of the Jiangsu
// delta: a lucky or descriptive character plus a water or settlement word
// ("永兴桥村", "东洲港社区"), or a two-character word ("三和村").
type namer struct {
	r    *rand.Rand
	used map[string]bool
}

func newNamer(r *rand.Rand) *namer { return &namer{r: r, used: map[string]bool{}} }

// Character pools. Lists are returned by functions so that no package
// variable can be changed at run time.
func nameHeads() []string {
	return []string{"永", "兴", "福", "安", "新", "东", "西", "南", "北", "和", "平", "德", "胜", "利", "丰",
		"余", "庆", "裕", "民", "乐", "长", "江", "海", "青", "龙", "凤", "红", "星", "光", "明", "富", "盛",
		"复", "中", "正", "宏", "华", "建", "通", "顺", "金", "玉", "万", "三", "四", "五", "六", "七", "八",
		"九", "双", "合", "同", "友", "义", "仁", "忠", "厚", "广", "聚", "兆", "春", "汇", "鸿", "锦", "秀",
		"育", "振", "常", "悦", "包", "临", "滨", "清", "太", "大", "小", "老", "沿", "高", "云", "天", "麒"}
}

func nameWords() []string {
	return []string{"桥", "港", "河", "圩", "沙", "洪", "灶", "店", "坝", "湾", "滩", "埭", "泾", "洲", "园",
		"镇", "庄", "宅", "墩", "渡", "堤", "闸"}
}

func nameMiddles() []string {
	return []string{"兴", "和", "安", "丰", "民", "胜", "利", "华", "新", "乐", "福", "平", "德", "盛", "合", "光"}
}

func communityWords() []string {
	return []string{"港", "园", "苑", "桥", "湾", "洲", "城", "府", "庭", "景"}
}

// pick draws one element of list.
func (n *namer) pick(list []string) string { return list[n.r.IntN(len(list))] }

// village returns a new village name ending in 村.
func (n *namer) village() string {
	return n.unique(func() string {
		if n.r.IntN(3) == 0 {
			return n.pick(nameHeads()) + n.pick(nameMiddles()) + "村"
		}
		return n.pick(nameHeads()) + n.pick(nameWords()) + "村"
	})
}

// community returns a new community name ending in 社区.
func (n *namer) community() string {
	return n.unique(func() string {
		if n.r.IntN(2) == 0 {
			return n.pick(nameHeads()) + n.pick(communityWords()) + "社区"
		}
		return n.pick(nameHeads()) + n.pick(nameMiddles()) + "社区"
	})
}

// unique draws until the name is new.
func (n *namer) unique(draw func() string) string {
	for {
		s := draw()
		if !n.used[s] {
			n.used[s] = true
			return s
		}
	}
}
