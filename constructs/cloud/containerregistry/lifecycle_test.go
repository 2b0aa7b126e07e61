package containerregistry

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLifecyclePolicy(t *testing.T) {
	var doc struct {
		Rules []struct {
			RulePriority int `json:"rulePriority"`
			Selection    struct {
				TagStatus      string   `json:"tagStatus"`
				TagPatternList []string `json:"tagPatternList"`
				CountType      string   `json:"countType"`
				CountUnit      string   `json:"countUnit"`
				CountNumber    int      `json:"countNumber"`
			} `json:"selection"`
			Action map[string]string `json:"action"`
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(lifecyclePolicy(15, 3)), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Rules) != 2 {
		t.Fatalf("rules = %+v", doc.Rules)
	}
	u, k := doc.Rules[0], doc.Rules[1]
	if u.RulePriority != 1 || u.Selection.TagStatus != "untagged" || u.Selection.CountType != "sinceImagePushed" ||
		u.Selection.CountUnit != "days" || u.Selection.CountNumber != 3 || u.Action["type"] != "expire" {
		t.Errorf("untagged rule = %+v", u)
	}
	if k.RulePriority != 2 || k.Selection.TagStatus != "tagged" || k.Selection.CountType != "imageCountMoreThan" ||
		k.Selection.CountNumber != 15 || len(k.Selection.TagPatternList) != 1 || k.Action["type"] != "expire" {
		t.Errorf("tagged rule = %+v", k)
	}
}

func TestNewRejectsBadProps(t *testing.T) {
	_, err := New(nil, "r", Props{KeepTaggedImages: -1, UntaggedExpiryDays: -2,
		Repositories: []Repository{{App: "a", Kind: "worker"}, {App: "a", Kind: "api"}}})
	for _, want := range []string{`Project "": is required`, "KeepTaggedImages -1", "UntaggedExpiryDays -2", `Kind "worker"`, `Repositories[1].App "a": must be set and unique`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}
