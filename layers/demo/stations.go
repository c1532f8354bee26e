package demo

// station is a fire station: 11 town stations (one per street and town
// except 海门街道), the district's 特勤 station in 海门街道, and a 战勤保障
// (logistics) station that has no first-due district.
type station struct {
	name    string
	class   string
	town    int
	cell    int
	staff   int64
	engines map[string]any
}

// engineSet is a typical appliance mix for a 建标152 class, with extra
// foam and a chemical rescue engine where a chemical park is first due.
func engineSet(class string, chemical bool) map[string]any {
	var m map[string]any
	switch class {
	case "特勤":
		m = map[string]any{"水罐": 2.0, "泡沫": 2.0, "抢险救援": 2.0, "举高喷射": 1.0, "登高平台": 1.0, "化学事故抢险救援": 1.0, "通信指挥": 1.0}
	case "一级":
		m = map[string]any{"水罐": 2.0, "泡沫": 1.0, "抢险救援": 1.0, "举高喷射": 1.0}
	case "二级":
		m = map[string]any{"水罐": 2.0, "抢险救援": 1.0}
	case "小型":
		m = map[string]any{"水罐": 1.0, "抢险救援": 1.0}
	case "战勤保障":
		m = map[string]any{"供水": 2.0, "供液": 1.0, "器材": 1.0, "宿营": 1.0, "饮食保障": 1.0, "装备抢修": 1.0}
	}
	if chemical {
		m["化学事故抢险救援"] = 1.0
		m["泡沫"] = 2.0
	}
	return m
}

// placeStations puts each town station on its seat and the district's two
// special stations in 海门街道, 1–2 km off the centre.
func (s *gen) placeStations() {
	staff := map[string][2]int{"特勤": {50, 60}, "一级": {30, 40}, "二级": {18, 24}, "小型": {10, 14}, "战勤保障": {36, 44}}
	add := func(name, class string, t, cell int) {
		r := staff[class]
		s.stations = append(s.stations, station{
			name: name, class: class, town: t, cell: cell,
			staff:   int64(r[0] + s.rng.IntN(r[1]-r[0]+1)),
			engines: engineSet(class, s.defs[t].short() == "临江"),
		})
	}
	in := func(t int) func(int) bool { return func(c int) bool { return s.town[c] == int32(t) } }
	for t, d := range s.defs {
		if d.station == "特勤" {
			c := s.nearestCell(s.seatX[t]+1.1, s.seatY[t]+0.4, in(t), 0)
			add("海门区消防救援大队特勤站", "特勤", t, c)
			c = s.nearestCell(s.seatX[t]-1.5, s.seatY[t]+1.3, in(t), 0)
			add("海门区战勤保障消防站", "战勤保障", t, c)
			continue
		}
		add(d.short()+"消防站", d.station, t, s.seatCell[t])
	}
}
