package demo

import "fmt"

// teamDef is one rescue team before it becomes a feature.
type teamDef struct {
	name, kind string
	town       int
	cell       int
	members    int64
	equipment  map[string]any
	u, v       float64
}

// rescueTeamDefs lists the district's rescue forces: where they are based
// (street or town index), their type, size and main equipment.
func rescueTeamDefs() []teamDef {
	return []teamDef{
		{name: "海门区消防救援大队", kind: "消防救援", town: 0, members: 126, equipment: map[string]any{"消防车": 18.0, "冲锋舟": 4.0, "无人机": 3.0}},
		{name: "海门区综合应急救援支队", kind: "综合应急", town: 0, members: 64, equipment: map[string]any{"抢险救援车": 4.0, "冲锋舟": 2.0, "生命探测仪": 2.0}},
		{name: "海门区防汛抢险突击队", kind: "防汛抢险", town: 2, members: 80, equipment: map[string]any{"排涝泵车": 3.0, "冲锋舟": 6.0, "编织袋": 5000.0}},
		{name: "长江海门段水上搜救队", kind: "水上救援", town: 2, members: 36, equipment: map[string]any{"搜救艇": 3.0, "救生衣": 120.0}},
		{name: "临江新区危化品事故应急救援队", kind: "危化品处置", town: 10, members: 42, equipment: map[string]any{"化学事故抢险救援车": 2.0, "防化服": 40.0, "气体检测仪": 12.0}},
		{name: "海门港新区港口应急救援队", kind: "港口应急", town: 9, members: 30, equipment: map[string]any{"拖轮": 1.0, "围油栏": 2000.0}},
		{name: "国网海门供电公司电力抢修队", kind: "电力抢修", town: 0, members: 55, equipment: map[string]any{"应急发电车": 3.0, "抢修车": 8.0}},
		{name: "海门区人民医院医疗救护队", kind: "医疗救护", town: 0, members: 40, equipment: map[string]any{"救护车": 10.0, "移动医疗单元": 1.0}},
		{name: "海门区蓝天救援队", kind: "社会救援", town: 1, members: 48, equipment: map[string]any{"橡皮艇": 4.0, "无人机": 2.0, "破拆工具组": 3.0}},
		{name: "海门区交通运输应急保障队", kind: "交通保障", town: 4, members: 60, equipment: map[string]any{"清障车": 4.0, "装载机": 3.0}},
		{name: "中国移动海门分公司通信保障队", kind: "通信保障", town: 0, members: 25, equipment: map[string]any{"应急通信车": 2.0, "卫星电话": 10.0}},
		{name: "海门区地震灾害紧急救援队", kind: "地震救援", town: 3, members: 50, equipment: map[string]any{"生命探测仪": 4.0, "液压剪扩器": 6.0}},
	}
}

// rescueTeams bases each team in its street or town's built-up core.
func (s *gen) rescueTeams(used map[int]bool) {
	for _, d := range rescueTeamDefs() {
		d.cell = s.freeCell(d.town, true, used, nil)
		d.u, d.v = 2*s.rng.Float64()-1, 2*s.rng.Float64()-1
		s.teamList = append(s.teamList, d)
	}
}

// warningDef is one broadcast loudspeaker.
type warningDef struct {
	name   string
	town   int
	cell   int
	radius float64
	u, v   float64
}

// warningPoints puts two loudspeakers in every community and one or two in
// most villages. About one village in seven has none yet, and a single
// speaker rarely reaches a whole village, so the warning-coverage indicator
// falls short of its 95 % target in the countryside.
func (s *gen) warningPoints(used map[int]bool) {
	cells := make([][]int, len(s.units))
	for c, u := range s.unit {
		if u >= 0 {
			cells[u] = append(cells[u], c)
		}
	}
	for u, d := range s.units {
		n := 2
		radius := [2]float64{300, 500}
		if !d.community {
			radius = [2]float64{500, 800}
			switch {
			case s.rng.IntN(7) == 0:
				n = 0
			case len(cells[u]) < 60:
				n = 1
			}
		}
		for k := range n {
			free := cells[u][:0:0]
			for _, c := range cells[u] {
				if !used[c] {
					free = append(free, c)
				}
			}
			if len(free) == 0 {
				break
			}
			c := free[s.rng.IntN(len(free))]
			used[c] = true
			s.warningList = append(s.warningList, warningDef{
				name:   fmt.Sprintf("%s应急广播%d号", d.name, k+1),
				town:   d.town,
				cell:   c,
				radius: float64(int(radius[0]) + 50*s.rng.IntN(int(radius[1]-radius[0])/50+1)),
				u:      2*s.rng.Float64() - 1, v: 2*s.rng.Float64() - 1,
			})
		}
	}
}
