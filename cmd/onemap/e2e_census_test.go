package main

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chromedp/chromedp"
)

// e2eUser is an account the browser test logs in with.
type e2eUser struct{ name, password, roles string }

// The census clerk uploads; another person, the data steward, publishes
// (nobody publishes their own upload).
var (
	uploader = e2eUser{"普查员", "census clerk password", "census_uploader"}
	steward  = e2eUser{"数据管理员", "data steward password", "data_steward"}
)

// zipShapefile zips the files of a shapefile folder of ../shared/data into
// a temporary .zip, as a clerk would before uploading.
func (d *drive) zipShapefile(dir string) string {
	t := d.t
	t.Helper()
	src := shapefiles(t, dir)
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), filepath.Base(dir)+".zip")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, e := range entries {
		w, err := zw.Create(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.Copy(w, in)
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return name
}

// login logs in through the app's dialog, opened by the button opener.
func (d *drive) login(opener string, u e2eUser) {
	d.t.Helper()
	d.do("opening the login dialog", chromedp.Click(chromedp.ID(opener)), chromedp.WaitVisible(chromedp.ID("login-name")))
	d.setInput("#login-name", u.name)
	d.setInput("#login-password", u.password)
	d.do("logging in", chromedp.Click(chromedp.ID("login-submit")))
	d.waitJS("logged in as "+u.name, fmt.Sprintf(`document.querySelector('#user.in')?.textContent.includes(%q) && !document.getElementById('login-dialog')`, u.name), "#login-dialog")
}

// census drives the census workspace: a clerk logs in (once with a wrong
// password), an upload with a bad layer name is refused with nothing lost,
// the shapefile without a .prj stops for its coordinate system, the clerk
// confirms the first guess and reads the report; the steward publishes it,
// its features appear on the map, the layer is rolled back and its
// versions listed.
func (d *drive) census() {
	t := d.t
	t.Helper()
	archive := d.zipShapefile("generated_cgcs2000/gk_noprj_nocpg_gbk")

	d.do("census tab", chromedp.Click(chromedp.ID("tab-census")))
	d.waitJS("the census workspace asks anonymous users to log in", `document.getElementById('census-login') !== null`, "#census")
	if n := evaluate[int](t, d.ctx, `document.querySelectorAll('#census-form').length`); n != 0 {
		t.Error("the upload form is offered to an anonymous viewer")
	}

	// A wrong password: the dialog shows the server's words and stays.
	d.do("opening the login dialog", chromedp.Click(chromedp.ID("census-login")), chromedp.WaitVisible(chromedp.ID("login-name")))
	d.setInput("#login-name", uploader.name)
	d.setInput("#login-password", "not the password")
	d.do("logging in wrongly", chromedp.Click(chromedp.ID("login-submit")))
	d.waitJS("the login refused", `document.getElementById('login-error')?.textContent.includes('wrong')`, "#login-dialog")
	d.do("closing the dialog", chromedp.Evaluate[chromedp.Void](`void document.getElementById('login-dialog').close()`))
	d.login("census-login", uploader)
	d.waitJS("the upload form", `document.getElementById('census-form') !== null`, "#census")

	// The server refuses the layer name; the form keeps everything.
	d.setInput("#census-name", "Risk Zones!")
	d.setInput("#census-title", "风险区划")
	d.do("choosing the file", chromedp.SetUploadFiles(chromedp.CSS(`#census-file`), []string{archive}))
	d.waitJS("the chosen file listed", fmt.Sprintf(`document.getElementById('census-files')?.textContent.includes(%q)`, filepath.Base(archive)), "#census-form")
	d.do("uploading", chromedp.Click(chromedp.ID("census-upload")))
	d.waitJS("the refusal", `document.querySelector('#census-error .refusal[data-status="400"]') !== null`, "#census")
	if text := d.text("#census-error"); !strings.Contains(text, "小写字母") || !strings.Contains(text, "表单和所选文件都已保留") {
		t.Errorf("the refused upload's message:\n%s", text)
	}
	kept := evaluate[map[string]string](t, d.ctx, `({name: document.getElementById('census-name').value,
		title: document.getElementById('census-title').value, files: document.getElementById('census-files')?.textContent ?? ''})`)
	if kept["name"] != "Risk Zones!" || kept["title"] != "风险区划" || !strings.Contains(kept["files"], filepath.Base(archive)) {
		t.Errorf("the form lost its state after the refusal: %v", kept)
	}
	d.shoot("10-census-refused.png")

	// Corrected: uploaded, stopped for the coordinate system, confirmed.
	d.setInput("#census-name", "risk_zones")
	d.do("uploading again", chromedp.Click(chromedp.ID("census-upload")))
	d.waitJS("the import stops for its CRS", `document.querySelector('#census-report[data-state="needs_crs"]') !== null`, "#census")
	guesses := evaluate[[]string](t, d.ctx, `[...document.querySelectorAll('#census-guesses li')].map((li) => li.innerText)`)
	if len(guesses) < 2 || !strings.Contains(guesses[0], "EPSG:4549") {
		t.Fatalf("CRS guesses %q; want several, EPSG:4549 first", guesses)
	}
	if checked := evaluate[string](t, d.ctx, `document.querySelector('#census-guesses input:checked')?.value ?? ''`); checked != "EPSG:4549" {
		t.Errorf("the likeliest guess is not preselected: %q", checked)
	}
	d.do("confirming the CRS", chromedp.Click(chromedp.ID("census-crs-confirm")))
	d.waitJS("the import is ready", `document.querySelector('#census-report[data-state="ready"]') !== null`, "#census")

	// The report: counts, the encoding and CRS with reasons, decoded
	// fields, the repaired and skipped records.
	counts := evaluate[map[string]string](t, d.ctx, `Object.fromEntries([...document.querySelectorAll('#census-counts .count')].map(
		(c) => [c.dataset.key, c.querySelector('.count-n').textContent]))`)
	if counts["read"] != "6" || counts["imported"] != "5" || counts["repaired"] != "1" || counts["skipped"] != "1" || counts["rejected"] != "0" {
		t.Errorf("report counts %v; want 6 read, 5 imported, 1 repaired, 1 skipped, 0 rejected", counts)
	}
	report := d.text("#census-report")
	for _, want := range []string{"GB18030", "EPSG:4549", "风险等级", "青浦示范区一号", "MakeValid", "NULL", "名称"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	if n := evaluate[int](t, d.ctx, `document.querySelectorAll('#census-publish').length`); n != 0 {
		t.Error("the uploader is offered to publish")
	}
	// The staged features themselves, not yet in any layer, are drawn over
	// the map with their extent; they are compared with what the publish
	// puts in the layer below.
	d.waitJS("the staged features drawn", `window.onemapMap.queryRenderedFeatures({layers: ['staged-features-fill']}).length > 0`, "#census-report")
	d.idle()
	if n := evaluate[int](t, d.ctx, `window.onemapMap.queryRenderedFeatures({layers: ['staged-line']}).length`); n == 0 {
		t.Error("the staged data's extent is not drawn over the map")
	}
	stagedNames := evaluate[[]string](t, d.ctx, `[...new Set(window.onemapMap.queryRenderedFeatures({layers: ['staged-features-fill']})
		.map((f) => f.properties.name))].sort()`)
	if note := d.text("#census-report .staged-note"); !strings.Contains(note, "共 5 个要素") {
		t.Errorf("the staged note does not count the 5 staged features: %q", note)
	}
	d.do("the report's top", chromedp.Evaluate[chromedp.Void](`void (document.getElementById('census').scrollTop = 0)`))
	d.shoot("11-census-report.png")
	d.do("the report's end", chromedp.Evaluate[chromedp.Void](`void document.getElementById('census-preview').scrollIntoView()`))
	d.shoot("11b-census-report-end.png")

	// The steward publishes the clerk's upload.
	d.do("logging out", chromedp.Click(chromedp.ID("logout")))
	d.waitJS("logged out", `document.getElementById('login') !== null`, "#topbar")
	d.login("login", steward)
	d.waitJS("the imports list", `document.querySelector('#census-imports li button') !== null`, "#census")
	d.do("opening the import", chromedp.Click(chromedp.CSS(`#census-imports li:first-child button`)))
	d.waitJS("the import's report", `document.getElementById('census-publish') !== null`, "#census")
	d.do("publishing", chromedp.Click(chromedp.ID("census-publish")))
	d.waitJS("published", `document.getElementById('census-notice')?.textContent.includes('已发布')`, "#census")
	d.waitJS("the published zones drawn", `window.onemapMap.getLayer('risk_zones-fill') !== undefined &&
		window.onemapMap.queryRenderedFeatures({layers: ['risk_zones-fill']}).length > 0`, "#census")
	var items struct {
		Features []struct {
			ID         int64 `json:"id"`
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"features"`
	}
	d.getJSON(d.url+"/collections/risk_zones/items", &items)
	drawn := evaluate[[]int64](t, d.ctx, `[...new Set(window.onemapMap.queryRenderedFeatures({layers: ['risk_zones-fill']}).map((f) => f.id))]`)
	ids := map[int64]bool{}
	for _, f := range items.Features {
		ids[f.ID] = true
	}
	for _, id := range drawn {
		if !ids[id] {
			t.Errorf("the map draws zone %d, which the server does not have (%v)", id, ids)
		}
	}
	if len(items.Features) != 5 || len(drawn) == 0 {
		t.Errorf("published %d zones, %d drawn", len(items.Features), len(drawn))
	}
	publishedNames := map[string]bool{}
	for _, f := range items.Features {
		publishedNames[f.Properties.Name] = true
	}
	if len(stagedNames) == 0 {
		t.Error("no staged feature was drawn before the publish")
	}
	for _, n := range stagedNames {
		if !publishedNames[n] {
			t.Errorf("the map drew staged zone %q, which the publish did not put in the layer (%v)", n, publishedNames)
		}
	}
	if n := evaluate[int](t, d.ctx, `window.onemapMap.queryRenderedFeatures({layers: ['staged-features-fill', 'staged-line']}).length`); n != 0 {
		t.Errorf("%d staged features or outlines still drawn after the publish", n)
	}
	d.waitJS("the version history names the import", fmt.Sprintf(`document.querySelector('#census-versions tbody tr')?.textContent.includes(%q)`, filepath.Base(archive)), "#census")
	if n := evaluate[int](t, d.ctx, `document.querySelectorAll('#layer-risk_zones').length`); n != 1 {
		t.Error("the published layer is not in the layer panel")
	}
	d.idle()
	d.shoot("12-census-published.png")

	// Rolled back: the layer is empty again, on the map too.
	d.do("rolling back", chromedp.Click(chromedp.ID("census-rollback")), chromedp.Click(chromedp.ID("census-rollback-yes")))
	d.waitJS("rolled back", `document.getElementById('census-notice')?.textContent.includes('已回滚')`, "#census")
	d.waitJS("the zones and their names gone from the map", `window.onemapMap.queryRenderedFeatures({layers: ['risk_zones-fill', 'risk_zones-labels']}).length === 0`, "#census")
	d.waitJS("the rollback in the version history", `document.querySelectorAll('#census-versions tbody tr').length >= 2`, "#census")
	if top := d.text("#census-versions tbody tr"); !strings.Contains(top, "rollback") && !strings.Contains(top, "回滚") {
		t.Errorf("the newest version does not say it is a rollback: %q", top)
	}
	d.shoot("13-census-rolled-back.png")

	// In English.
	d.do("English", chromedp.Click(chromedp.ID("lang-toggle")))
	english := evaluate[map[string]string](t, d.ctx, `({tab: document.getElementById('tab-census').textContent,
		report: document.querySelector('#census-report .report-head h3')?.textContent ?? ''})`)
	if english["tab"] != "Data import" || english["report"] != "Validation report" {
		t.Errorf("the census workspace in English: %v", english)
	}
	d.shoot("14-census-english.png")
	d.do("Chinese", chromedp.Click(chromedp.ID("lang-toggle")))
}
