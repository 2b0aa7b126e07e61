package containerregistry

import (
	"encoding/json"
	"fmt"

	"github.com/homecloud-dev/fullstack/naming"
)

// Lifecycle rules, by priority. ECR lets the first rule whose tag
// selection matches an image decide about it: a lower rule never expires
// an image a higher one selected. So:
//  1. untagged images expire untaggedDays after push;
//  2. the images production runs (tags "running" and "running-flyway",
//     one pattern "running*": several patterns in one rule select only
//     images with all of them) are kept, whatever else is pushed;
//  3. cosign signatures (sha256-*.sig, a few hundred bytes each) are kept,
//     up to maxSignatures, newest first;
//  4. migration images (*-flyway) keep the last keep, counted apart;
//  5. app images (every other tag) keep the last keep.
//
// Rule 2 is what makes a rollback safe: the rolled-back image keeps its
// old push time, so a count by push time alone would expire it.
const maxSignatures = 1000

// keepRunning exceeds the number of images that can carry a running tag
// (two per repository), so rule 2 never expires one.
const keepRunning = 10

type lifecycleSelection struct {
	TagStatus      string   `json:"tagStatus"`
	TagPatternList []string `json:"tagPatternList,omitempty"`
	CountType      string   `json:"countType"`
	CountUnit      string   `json:"countUnit,omitempty"`
	CountNumber    int      `json:"countNumber"`
}

type lifecycleRule struct {
	RulePriority int                `json:"rulePriority"`
	Description  string             `json:"description"`
	Selection    lifecycleSelection `json:"selection"`
	Action       map[string]string  `json:"action"`
}

type lifecycleDocument struct {
	Rules []lifecycleRule `json:"rules"`
}

func lifecycleRules(keep, untaggedDays int) lifecycleDocument {
	expire := map[string]string{"type": "expire"}
	tagged := func(count int, patterns ...string) lifecycleSelection {
		return lifecycleSelection{TagStatus: "tagged", TagPatternList: patterns, CountType: "imageCountMoreThan", CountNumber: count}
	}
	return lifecycleDocument{Rules: []lifecycleRule{
		{1, fmt.Sprintf("Expire untagged images %d days after push", untaggedDays),
			lifecycleSelection{TagStatus: "untagged", CountType: "sinceImagePushed", CountUnit: "days", CountNumber: untaggedDays}, expire},
		{2, "Keep the images production runs",
			tagged(keepRunning, naming.RunningTag+"*"), expire},
		{3, fmt.Sprintf("Keep the last %d cosign signatures", maxSignatures),
			tagged(maxSignatures, naming.SignaturePattern), expire},
		{4, fmt.Sprintf("Keep the last %d migration images", keep),
			tagged(keep, "*"+naming.FlywayTagSuffix), expire},
		{5, fmt.Sprintf("Keep the last %d app images", keep),
			tagged(keep, "*"), expire},
	}}
}

// lifecyclePolicy is lifecycleRules as ECR's JSON.
func lifecyclePolicy(keep, untaggedDays int) string {
	b, _ := json.Marshal(lifecycleRules(keep, untaggedDays))
	return string(b)
}
