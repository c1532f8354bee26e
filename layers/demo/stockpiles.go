package demo

import (
	"math"
	"math/rand/v2"
)

// invItem is one category of relief material with a typical stock level.
type invItem struct {
	category, item, unit string
	base                 float64
	town                 bool // also kept in town stockpiles
}

// inventoryCatalog lists the 54 categories of the district relief warehouse.
func inventoryCatalog() []invItem {
	return []invItem{
		{"帐篷", "12m²单帐篷", "顶", 300, true}, {"棉被", "棉被(2.0×2.3m)", "床", 1500, true},
		{"折叠床", "单人折叠床", "张", 800, true}, {"睡袋", "防寒睡袋", "个", 600, false},
		{"毛毯", "毛毯", "条", 900, true}, {"棉大衣", "棉大衣", "件", 500, false},
		{"毛巾被", "毛巾被", "条", 600, false}, {"凉席", "竹凉席", "张", 400, false},
		{"蚊帐", "蚊帐", "顶", 400, false}, {"救生衣", "成人救生衣", "件", 800, true},
		{"救生圈", "救生圈", "个", 300, true}, {"冲锋舟", "玻璃钢冲锋舟", "艘", 10, false},
		{"橡皮艇", "充气橡皮艇", "艘", 12, true}, {"舷外机", "40马力舷外机", "台", 12, false},
		{"排涝泵", "大流量排涝泵", "台", 20, true}, {"发电机组", "柴油发电机组", "台", 15, true},
		{"照明灯塔", "移动照明灯塔", "台", 20, false}, {"手电筒", "强光手电", "只", 500, true},
		{"应急灯", "充电式应急灯", "盏", 300, false}, {"编织袋", "防汛编织袋", "条", 2500, true},
		{"麻袋", "麻袋", "条", 800, true}, {"土工布", "土工布", "卷", 60, false},
		{"彩条布", "防汛彩条布", "卷", 100, true}, {"铁锹", "铁锹", "把", 300, true},
		{"雨衣", "雨衣", "件", 500, true}, {"雨靴", "雨靴", "双", 400, true},
		{"安全帽", "安全帽", "顶", 300, false}, {"防护手套", "防护手套", "副", 600, false},
		{"油锯", "油锯", "台", 15, false}, {"破拆工具", "破拆工具组", "套", 10, false},
		{"液压剪扩器", "液压剪扩器", "套", 6, false}, {"千斤顶", "液压千斤顶", "台", 20, false},
		{"卫星电话", "卫星电话", "部", 10, false}, {"对讲机", "手持对讲机", "部", 60, true},
		{"喊话器", "扩音喊话器", "只", 50, true}, {"灭火器", "干粉灭火器", "具", 200, true},
		{"灭火毯", "灭火毯", "条", 100, false}, {"消防水带", "消防水带", "盘", 80, false},
		{"医药箱", "急救医药箱", "个", 100, true}, {"担架", "折叠担架", "副", 50, false},
		{"口罩", "医用口罩", "盒", 400, false}, {"消毒液", "84消毒液", "桶", 200, false},
		{"防护服", "医用防护服", "套", 300, false}, {"饮用水", "瓶装饮用水", "箱", 600, true},
		{"方便食品", "方便面", "箱", 400, true}, {"压缩饼干", "压缩饼干", "箱", 300, false},
		{"折叠桌椅", "折叠桌椅", "套", 100, false}, {"移动厕所", "移动厕所", "座", 10, false},
		{"垃圾桶", "分类垃圾桶", "个", 100, false}, {"净水设备", "便携式净水设备", "台", 8, false},
		{"炊具", "应急炊具", "套", 30, false}, {"电缆盘", "移动电缆盘", "盘", 30, false},
		{"警戒带", "警戒带", "卷", 200, true}, {"反光背心", "反光背心", "件", 300, false},
	}
}

// stockpileDef is one stockpile before it becomes a feature.
type stockpileDef struct {
	name, level string
	town        int
	cell        int
	capacityM3  float64
	inventory   []any
	u, v        float64
}

// inventory draws quantities around each item's base and scales them to
// exactly total pieces.
func inventory(r *rand.Rand, items []invItem, total int64) []any {
	w := make([]float64, len(items))
	for k, it := range items {
		w[k] = it.base * (0.7 + 0.6*r.Float64())
	}
	q := apportion(w, total, nil)
	rows := make([]any, len(items))
	for k, it := range items {
		rows[k] = map[string]any{"category": it.category, "item": it.item, "unit": it.unit, "quantity": float64(max(q[k], 1))}
	}
	return rows
}

// stockpiles places the district relief warehouse (54 categories, a little
// over 10,000 pieces) in 海门街道 and a relief point in every other street
// and town.
func (s *gen) stockpiles(used map[int]bool) {
	all := inventoryCatalog()
	var townItems []invItem
	for _, it := range all {
		if it.town {
			it.base = math.Max(1, it.base/15)
			townItems = append(townItems, it)
		}
	}
	c := s.freeCell(0, false, used, func(c int) bool { return s.inland[c] > 1 })
	s.stockpileList = append(s.stockpileList, stockpileDef{
		name: "海门区应急物资储备库", level: "district", town: 0, cell: c, capacityM3: 8000,
		inventory: inventory(s.rng, all, 10000+int64(s.rng.IntN(900))),
		u:         2*s.rng.Float64() - 1, v: 2*s.rng.Float64() - 1,
	})
	for t, d := range s.defs {
		if t == 0 {
			continue
		}
		c := s.freeCell(t, true, used, nil)
		s.stockpileList = append(s.stockpileList, stockpileDef{
			name: d.name + "应急物资储备点", level: "town", town: t, cell: c,
			capacityM3: float64(200 + 50*s.rng.IntN(9)),
			inventory:  inventory(s.rng, townItems, 600+int64(s.rng.IntN(500))),
			u:          2*s.rng.Float64() - 1, v: 2*s.rng.Float64() - 1,
		})
	}
}
