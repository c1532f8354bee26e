package staging

import (
	"fmt"

	"onemap/layers"
)

// StagedFeatures calls fn for each feature the upload's latest run staged,
// in file order, so that the census workspace can draw them over the
// published layer before anyone publishes. Only a finished run that staged
// features has them (ready, or published since); any other state is a
// Conflict that says what the upload waits for.
func (s *Service) StagedFeatures(id string, fn func(layers.Feature) error) error {
	const op = "staging.StagedFeatures"
	u, err := s.find(id)
	if err != nil {
		return err
	}
	rec := u.snapshot()
	switch rec.State {
	case Ready, Published:
	case Processing:
		return conflict(op, "该上传正在处理中，完成后才有暂存要素", "the upload is still being processed; its staged features are there when it has finished")
	default:
		return conflict(op, fmt.Sprintf("该上传处于“%s”状态，没有暂存要素", rec.State),
			fmt.Sprintf("the upload is in state %q and has no staged features; complete the import first (see its message)", rec.State))
	}
	return readFile(u.path(stagedName(rec.Run)), fn)
}
