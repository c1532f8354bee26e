package access

// InputError reports input the caller must correct (a NaN distance, a
// negative population, a band table that does not reach the catchment
// edge). The wiring maps it to layers.Invalid; Msg says what to fix.
type InputError struct {
	Msg string
}

func (e *InputError) Error() string { return "access: " + e.Msg }
