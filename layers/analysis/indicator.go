package analysis

// Indicator is one of the plan's spatial indicators (or a variant of one)
// for one unit: its value against the target of the rules table, with
// the numerator and denominator it divides and how it was computed.
type Indicator struct {
	// Number is the indicator's row in Table 1 of the district plan: 12,
	// 13, 15 or 17.
	Number int `json:"number"`
	// Key names the indicator and variant: shelter_per_capita,
	// shelter_per_capita_hazard_aware, fire_coverage,
	// fire_coverage_population, fire_coverage_congested,
	// warning_coverage, relief_reach.
	Key   string `json:"key"`
	Title string `json:"title"`
	// Value is null when it cannot be computed for the unit (no urban
	// residents, no data); Notes say why.
	Value *float64 `json:"value"`
	Unit  string   `json:"unit"`
	// Target comes from the rule TargetRule; Comparison is ">=" (at least)
	// or "<=" (at most); Pass is null when Value is.
	Target     float64 `json:"target"`
	TargetRule string  `json:"target_rule"`
	Comparison string  `json:"comparison"`
	Pass       *bool   `json:"pass"`
	// Numerator / Denominator = Value for the ratio indicators.
	Numerator        *float64 `json:"numerator,omitempty"`
	Denominator      *float64 `json:"denominator,omitempty"`
	NumeratorLabel   string   `json:"numerator_label,omitempty"`
	DenominatorLabel string   `json:"denominator_label,omitempty"`
	Method           string   `json:"method"`
	// HazardTypes are the hazard types the hazard-aware variant checked
	// shelters against; ByHazard is the value leaving out the shelters in
	// zones of each type alone.
	HazardTypes []string           `json:"hazard_types,omitempty"`
	ByHazard    map[string]float64 `json:"by_hazard,omitempty"`
	// Percentiles of relief reach, hours, population-weighted.
	Percentiles map[string]float64 `json:"percentiles,omitempty"`
	// Fallback is true when the value was estimated without the road
	// network (straight lines), as Method says.
	Fallback bool     `json:"fallback,omitempty"`
	Notes    []string `json:"notes,omitempty"`
}

// judge sets Value and Pass.
func (in *Indicator) judge(v float64, digits int) {
	in.Value = ptr(round(v, digits))
	pass := v >= in.Target
	if in.Comparison == "<=" {
		pass = v <= in.Target
	}
	in.Pass = &pass
}

// ratio sets a ratio indicator from its parts; a zero denominator leaves
// the value null with a note.
func (in *Indicator) ratio(num, den float64, digits, partDigits int, why string) {
	in.Numerator, in.Denominator = ptr(round(num, partDigits)), ptr(round(den, partDigits))
	if den <= 0 {
		in.Notes = append(in.Notes, why)
		return
	}
	in.judge(num/den, digits)
}

// UnitIndicators are the indicators of one unit: the district, a street or
// a town.
type UnitIndicators struct {
	Level      string      `json:"level"` // district, street or town
	Code       string      `json:"code,omitempty"`
	Name       string      `json:"name"`
	Indicators []Indicator `json:"indicators"`
}
