package render

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/d1lint/d1lint/internal/source"
	"github.com/d1lint/d1lint/internal/testutil"
)

func TestZZProfD1Charts(t *testing.T) {
	d := testutil.D1Corpus(t, false)
	start := time.Now()
	res, err := Render(context.Background(), Options{FleetPath: d.Fleet, Getenv: func(string) string { return "" },
		KubeVersion: "1.35", ChartDirs: []string{filepath.Join(testutil.SharedCorpus(t), "charts")},
		Sources: []source.Mapping{{URL: testutil.D1InfraURL, Path: d.Infra}, {URL: testutil.D1AppsURL, Path: d.Apps}}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	t.Logf("%v, %d chart renders, %d builds", time.Since(start), res.ChartRenders(), res.Builds())
	for _, c := range res.Fleet.Clusters {
		for _, h := range c.HelmReleases {
			t.Logf("%s %s %s %s %d %.150s", c.Name, h.Key(), h.Status, h.ChartVersion, h.Objects, h.Reason)
		}
	}
}
