package clientsite

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/contenthash"
)

// NginxImage is the unprivileged official nginx image sites run on.
const NginxImage = dockercontainer.NginxImage

// ContainerPort is where the site's nginx listens (unprivileged).
const ContainerPort = 8080

// Dockerfile builds the site image from a prepared context.
const Dockerfile = `FROM ` + NginxImage + `
COPY default.conf /etc/nginx/conf.d/default.conf
COPY html/ /usr/share/nginx/html/
EXPOSE 8080
`

// Context is a site's image build context, prepared on disk before any
// construct is created.
type Context struct {
	// Dir holds the Dockerfile, default.conf and html/ (absolute).
	Dir string
	// Hash fingerprints Dir (contenthash.Dir): the image is rebuilt and
	// pushed exactly when it changes.
	Hash string
	// NginxConfig is the server block written to default.conf.
	NginxConfig string
	// API is where /api/ is proxied to (zero for none).
	API Upstream
}

// Upstream is how the site's nginx reaches its API through the front
// proxy: restservice.Service's InternalURL and InternalHost.
type Upstream struct {
	// URL is "http://host:port" ("" for no API).
	URL string
	// Host is the Host header the proxy routes the API by (a preview's);
	// "" passes the site's own.
	Host string
}

// Prepare writes the build context of a site into dir (absolute; whatever
// it held is replaced): the Dockerfile, the nginx configuration, proxying
// /api/ to api when its URL is not empty, and a copy of buildOutput under
// html/. Then it hashes the result.
func Prepare(dir, buildOutput string, api Upstream) (Context, error) {
	if _, err := os.Stat(filepath.Join(buildOutput, "index.html")); err != nil {
		return Context{}, fmt.Errorf("site build output %s: no index.html: %w", buildOutput, err)
	}
	conf := NginxConfig(NginxOptions{Listen: strconv.Itoa(ContainerPort), Root: "/usr/share/nginx/html", APIUpstream: api.URL, APIHost: api.Host})
	if err := writeContext(dir, buildOutput, conf); err != nil {
		return Context{}, err
	}
	hash, err := contenthash.Dir(dir)
	if err != nil {
		return Context{}, err
	}
	return Context{Dir: dir, Hash: hash, NginxConfig: conf, API: api}, nil
}

// writeContext writes the Dockerfile, the nginx configuration and a copy
// of the build output under html/ into dir, replacing what it held.
func writeContext(dir, buildOutput, nginxConf string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	html := filepath.Join(dir, "html")
	if err := os.MkdirAll(html, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(Dockerfile), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "default.conf"), []byte(nginxConf), 0o644); err != nil {
		return err
	}
	return filepath.WalkDir(buildOutput, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(buildOutput, path)
		target := filepath.Join(html, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case !d.Type().IsRegular():
			return fmt.Errorf("%s: only regular files can be served", path)
		}
		return copyFile(path, target)
	})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
