package release

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/homecloud-dev/fullstack/internal/harness"
)

// BenchmarkPromote copies the images of 1 and of 3 apps (each an app image
// and a migration image: 3 layers of 4 MiB) between two real registries
// (Debian's docker-registry), the way cmd/fullstack/promote copies from the home
// registry to ECR, then promotes again (everything already there). It
// reports the bytes sent per promotion.
//
//	go test -run '^$' -bench Promote -benchtime 3x ./release/
func BenchmarkPromote(b *testing.B) {
	if _, err := exec.LookPath("docker-registry"); err != nil {
		b.Skip("Debian's docker-registry is not installed (scripts/setup installs it)")
	}
	for _, apps := range []int{1, 3} {
		b.Run(fmt.Sprintf("apps=%d/first", apps), func(b *testing.B) { benchPromote(b, apps, false) })
		b.Run(fmt.Sprintf("apps=%d/again", apps), func(b *testing.B) { benchPromote(b, apps, true) })
	}
}

func benchPromote(b *testing.B, apps int, again bool) {
	ctx := context.Background()
	src := startRegistry(b)
	type img struct{ repo, digest string }
	var imgs []img
	for a := 0; a < apps; a++ {
		for _, kind := range []string{"app", "flyway"} {
			image, err := random.Image(4<<20, 3)
			if err != nil {
				b.Fatal(err)
			}
			repo := fmt.Sprintf("api/app%d", a)
			tag, _ := src.Tag(repo, kind)
			if err := remote.Write(tag, image, src.Options(ctx)...); err != nil {
				b.Fatal(err)
			}
			d, _ := image.Digest()
			imgs = append(imgs, img{repo, d.String()})
		}
	}
	b.ResetTimer()
	var sent int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dst := startRegistry(b)
		promote := func() {
			for _, im := range imgs {
				if _, err := Copy(ctx, src, im.repo, im.digest, dst, "shop/"+im.repo, "r1"); err != nil {
					b.Fatal(err)
				}
			}
		}
		if again {
			promote()
		}
		before := dst.Sent()
		b.StartTimer()
		promote()
		b.StopTimer()
		sent += dst.Sent() - before
		b.StartTimer()
	}
	b.ReportMetric(float64(sent)/float64(b.N), "bytes/op")
}

// startRegistry runs an empty docker-registry on a free port until the
// benchmark ends.
func startRegistry(b *testing.B) *Registry {
	b.Helper()
	dir := b.TempDir()
	port, err := harness.FreePort()
	if err != nil {
		b.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	config := filepath.Join(dir, "config.yml")
	conf := fmt.Sprintf("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\nlog:\n  level: error\n", filepath.Join(dir, "data"), addr)
	if err := os.WriteFile(config, []byte(conf), 0o644); err != nil {
		b.Fatal(err)
	}
	srv, err := harness.StartServer(exec.Command("docker-registry", "serve", config), filepath.Join(dir, "registry.log"), addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Stop)
	return &Registry{Address: addr, PlainHTTP: true}
}
