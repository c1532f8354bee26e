// Package staging keeps uploads between their arrival and their
// publication, on disk, so that nothing reaches a store before the
// uploader has seen the report and chosen to publish.
//
// Each upload gets a folder in the staging area, named by the first 16 hex
// digits of its SHA-256 (the same file uploaded twice is recognised and
// answered with the earlier upload):
//
//	<area>/<id>/original/…           the uploaded file(s), streamed to disk with a size cap
//	<area>/<id>/upload.json          the upload's record: options, state, report, publications
//	<area>/<id>/staged-<run>.ndjson  the staged features of the latest run (newline-delimited GeoJSON)
//	<area>/<id>/snapshot-v<N>.ndjson the layer as it was (version N) before this upload was published
//	<area>/<id>/published-v<N>.ndjson what publishing wrote (version N): the staged file, linked
//	<area>/<id>/published-v<N>.ids    the IDs the store gave them, one per line
//	<area>/<id>/complete             written last: the folder is consistent
//	<area>/publish-log.ndjson        every publish (after its "publishing" intent line) and rollback, in order
//
// A folder without its complete marker is what a crash during an upload or
// its first run leaves; Open removes such folders (unless another process
// still holds their lock). Publishing is one Store.Apply with Replace, which
// the store contract makes atomic: readers see the old or the new content,
// never a mix. Rolling back is another Replace, with the snapshot taken
// before the publish, so it is a new version whose content equals the old.
// Publish explains why that snapshot, read just before the Apply, is exact
// whenever the commit's version is the snapshot's plus one, and what is
// recorded when it is not. A failed import never calls Apply; Delete
// discards an upload that was never published.
//
// An import asked to publish as soon as it is ready (CommitAndPublish,
// RerunAndPublish: stream.go) writes its features into the layer while it
// stages them, in one store transaction (layers.StreamWriter) that commits
// only if the run ends Ready, so the same holds: a failed or undecided
// import leaves the layer as it was.
package staging
