package clientsite

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// NginxImage is the unprivileged official nginx image sites run on.
const NginxImage = "nginxinc/nginx-unprivileged:1.27.3-alpine"

// ContainerPort is where the site's nginx listens (unprivileged).
const ContainerPort = 8080

// Dockerfile builds the site image from a prepared context.
const Dockerfile = `FROM ` + NginxImage + `
COPY default.conf /etc/nginx/conf.d/default.conf
COPY html/ /usr/share/nginx/html/
EXPOSE 8080
`

// PrepareContext writes the site's build context into dir: the
// Dockerfile, the rendered nginx configuration and a copy of the build
// output under html/. It replaces whatever dir held.
func PrepareContext(dir, buildOutput, nginxConf string) error {
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
