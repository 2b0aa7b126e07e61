package containerregistry

import (
	"encoding/json"
	"fmt"
)

// lifecyclePolicy keeps the last keepTagged tagged images and expires
// untagged images untaggedDays after push. ECR evaluates rules by priority;
// the untagged rule comes first so it never counts against tagged images.
func lifecyclePolicy(keepTagged, untaggedDays int) string {
	type selection struct {
		TagStatus      string   `json:"tagStatus"`
		TagPatternList []string `json:"tagPatternList,omitempty"`
		CountType      string   `json:"countType"`
		CountUnit      string   `json:"countUnit,omitempty"`
		CountNumber    int      `json:"countNumber"`
	}
	type rule struct {
		RulePriority int               `json:"rulePriority"`
		Description  string            `json:"description"`
		Selection    selection         `json:"selection"`
		Action       map[string]string `json:"action"`
	}
	expire := map[string]string{"type": "expire"}
	policy := map[string][]rule{"rules": {
		{1, fmt.Sprintf("Expire untagged images %d days after push", untaggedDays),
			selection{TagStatus: "untagged", CountType: "sinceImagePushed", CountUnit: "days", CountNumber: untaggedDays}, expire},
		{2, fmt.Sprintf("Keep the last %d tagged images", keepTagged),
			selection{TagStatus: "tagged", TagPatternList: []string{"*"}, CountType: "imageCountMoreThan", CountNumber: keepTagged}, expire},
	}}
	b, _ := json.Marshal(policy)
	return string(b)
}
