package containerregistry

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/naming"
)

// image is one image in a simulated ECR repository.
type image struct {
	digest string
	tags   []string
	pushed time.Time
}

// repo simulates one ECR repository: pushes, tag moves (BatchDeleteImage
// of a tag, then PutImage), and lifecycle evaluation as ECR documents it.
type repo struct {
	images map[string]*image
	clock  time.Time
}

func newRepo() *repo {
	return &repo{images: map[string]*image{}, clock: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// push adds digest with tag; pushing a digest already there adds the tag
// and keeps the first push time (ECR's imagePushedAt).
func (r *repo) push(digest, tag string) {
	r.clock = r.clock.Add(time.Hour)
	if img, ok := r.images[digest]; ok {
		if !slices.Contains(img.tags, tag) {
			img.tags = append(img.tags, tag)
		}
		return
	}
	r.images[digest] = &image{digest: digest, tags: []string{tag}, pushed: r.clock}
}

// moveTag removes tag from whichever image holds it and puts it on digest.
func (r *repo) moveTag(tag, digest string) {
	for _, img := range r.images {
		img.tags = slices.DeleteFunc(img.tags, func(t string) bool { return t == tag })
	}
	r.push(digest, tag)
}

// matches reports whether img is selected by a rule: untagged; or tagged
// with, for every pattern, a tag matching it (several patterns: all).
func matches(img *image, sel lifecycleSelection) bool {
	switch sel.TagStatus {
	case "untagged":
		return len(img.tags) == 0
	case "any":
		return true
	}
	if len(img.tags) == 0 {
		return false
	}
	for _, pattern := range sel.TagPatternList {
		if !slices.ContainsFunc(img.tags, func(t string) bool { ok, _ := path.Match(pattern, t); return ok }) {
			return false
		}
	}
	return true
}

// expire applies the lifecycle rules: each image is decided by the first
// rule (by priority) that selects it; a count rule keeps the newest
// pushed of its images.
func (r *repo) expire(doc lifecycleDocument, now time.Time) {
	rules := slices.Clone(doc.Rules)
	slices.SortFunc(rules, func(a, b lifecycleRule) int { return a.RulePriority - b.RulePriority })
	owned := make([][]*image, len(rules))
	for _, img := range r.images {
		for i, rule := range rules {
			if matches(img, rule.Selection) {
				owned[i] = append(owned[i], img)
				break
			}
		}
	}
	for i, rule := range rules {
		imgs := owned[i]
		slices.SortFunc(imgs, func(a, b *image) int { return b.pushed.Compare(a.pushed) })
		for j, img := range imgs {
			sel := rule.Selection
			old := sel.CountType == "sinceImagePushed" && now.Sub(img.pushed) > time.Duration(sel.CountNumber)*24*time.Hour
			over := sel.CountType == "imageCountMoreThan" && j >= sel.CountNumber
			if old || over {
				delete(r.images, img.digest)
			}
		}
	}
}

func (r *repo) has(digest string) bool { _, ok := r.images[digest]; return ok }

// simulate promotes 40 releases (a new app image each, a new migration
// image every fourth, a signature for each new image) that each reach
// production, rolls production back to release 35 (still in ECR, with its
// old push time), then promotes 15 more that never reach production,
// expiring after each step. It returns the repository, the releases and
// the one rolled back to.
type simRelease struct{ app, flyway string }

func simulate(doc lifecycleDocument) (*repo, []simRelease, simRelease) {
	r := newRepo()
	var releases []simRelease
	sig := func(d string) string { return strings.Replace(d, ":", "-", 1) + ".sig" }
	promote := func(n int, running bool) {
		id := fmt.Sprintf("2026%04dT000000Z-%04d", n, n)
		app := fmt.Sprintf("sha256:%064d", n)
		flyway := fmt.Sprintf("sha256:f%063d", (n-1)/4)
		r.push(app, naming.ReleaseImageTag(id, false))
		r.push(flyway, naming.ReleaseImageTag(id, true))
		r.push("sig-"+app, sig(app))
		r.push("sig-"+flyway, sig(flyway))
		releases = append(releases, simRelease{app, flyway})
		if running {
			r.moveTag(naming.RunningTag, app)
			r.moveTag(naming.RunningTag+naming.FlywayTagSuffix, flyway)
		}
		r.expire(doc, r.clock)
	}
	for n := 1; n <= 40; n++ {
		promote(n, true)
	}
	back := releases[34]
	r.moveTag(naming.RunningTag, back.app)
	r.moveTag(naming.RunningTag+naming.FlywayTagSuffix, back.flyway)
	for n := 41; n <= 55; n++ {
		promote(n, false)
		r.clock = r.clock.Add(30 * 24 * time.Hour) // and much time passes
	}
	r.expire(doc, r.clock)
	return r, releases, back
}

// TestLifecycleKeepsWhatProductionNeeds: after 40 promotions, a rollback
// and 15 more promotions, the running release's images and signatures
// stay, and so do the last 10 releases' app and migration images, counted
// apart; without the running rule the rolled-back image would be gone.
func TestLifecycleKeepsWhatProductionNeeds(t *testing.T) {
	const keep = 10
	doc := lifecycleRules(keep, 7)
	r, releases, back := simulate(doc)
	for _, d := range []string{back.app, back.flyway, "sig-" + back.app, "sig-" + back.flyway} {
		if !r.has(d) {
			t.Errorf("the running release's %s was expired", d)
		}
	}
	for _, rl := range releases[len(releases)-keep:] {
		for _, d := range []string{rl.app, rl.flyway, "sig-" + rl.app, "sig-" + rl.flyway} {
			if !r.has(d) {
				t.Errorf("%s of one of the last %d releases was expired", d, keep)
			}
		}
	}
	// The count still bounds the repository: the last 10 app images and
	// the running one.
	apps := 0
	for _, img := range r.images {
		if !strings.HasPrefix(img.digest, "sig-") && !strings.HasPrefix(img.digest, "sha256:f") {
			apps++
		}
	}
	if apps != keep+1 {
		t.Errorf("%d app images kept, want the last %d and the running one", apps, keep)
	}
	if r.has(releases[20].app) {
		t.Error("release 21's app image outlived the count")
	}
	// The control: the same history without the running rule loses the
	// image production runs.
	without := doc
	without.Rules = slices.DeleteFunc(slices.Clone(doc.Rules), func(rule lifecycleRule) bool {
		return slices.Contains(rule.Selection.TagPatternList, naming.RunningTag+"*")
	})
	if r, _, back := simulate(without); r.has(back.app) {
		t.Error("without the running rule the rolled-back image survives: the simulation does not exercise the rule")
	}
}

func TestLifecyclePolicyJSON(t *testing.T) {
	got := lifecyclePolicy(15, 3)
	for _, want := range []string{
		`"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":3`,
		`"tagPatternList":["running*"]`,
		`"tagPatternList":["sha256-*.sig"]`,
		`"tagPatternList":["*-flyway"],"countType":"imageCountMoreThan","countNumber":15`,
		`"tagPatternList":["*"],"countType":"imageCountMoreThan","countNumber":15`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("policy lacks %s:\n%s", want, got)
		}
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
